import { describe, expect, it } from 'vitest'
import { buildMessage } from '../../../src/core/queue/build-message.js'
import { toMessageDoc } from '../../../src/core/queue/nedb-documents.js'
import { validateSend } from '../../../src/core/queue/validate-send.js'

describe("a payload's JSON", () => {
  const limits = { maxHops: 10, maxPayloadBytes: 1_000_000 }

  it('is made once at the check and used for the store line; a payload replaced later is serialised anew', () => {
    const valid = validateSend({ from: 'a', to: 'b', type: 't', payload: { n: 1, s: 'x' } }, limits)
    expect(valid.payloadJson).toBe('{"n":1,"s":"x"}')
    const m = buildMessage(valid, 'b', 1, 1)
    expect(toMessageDoc(m).payloadJson).toBe('{"n":1,"s":"x"}')
    // an acked keyed message drops its payload: the line must say so
    m.payload = null
    expect(toMessageDoc(m).payloadJson).toBe('null')
    // a message made elsewhere (read back from the file) is serialised as it is
    expect(toMessageDoc({ ...m, payload: [1, 2] }).payloadJson).toBe('[1,2]')
  })

  it('checked fields are not checked twice, but the payload and the limits still are', () => {
    expect(() => validateSend({ from: 'a', to: 'b', type: 't', payload: 'x'.repeat(2_000_000) }, limits, true)).toThrow(/over the limit/)
    expect(() => validateSend({ from: 'a', to: 'b', type: 't', hops: 11 }, limits, true)).toThrow(/hops 11/)
    expect(() => validateSend({ from: 'a', to: 'b', type: 7 } as never, limits)).toThrow(/type/)
  })
})
