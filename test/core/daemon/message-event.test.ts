import { describe, expect, it } from 'vitest'
import { messageEventText } from '../../../src/core/daemon/message-event.js'
import { buildMessage } from '../../../src/core/queue/build-message.js'
import { validateSend } from '../../../src/core/queue/validate-send.js'
import { encodeFrame } from '../../../src/core/protocol/framing.js'
import { WireMessageSchema } from '../../../src/core/protocol/schemas/shapes.js'

describe('messageEventText', () => {
  const limits = { maxHops: 10, maxPayloadBytes: 1_000_000 }

  it('is the message event as encodeFrame writes it, seq and ackedAt left out, payload spliced from the check', () => {
    for (const send of [
      { from: 'a', to: 'b', type: 't', payload: { n: 1, s: 'é "q"\n', nested: [1, { x: null }] } },
      { from: 'a', to: 'b', type: 't' },
      { from: 'cli.3', to: 'b', type: 'ask', payload: 'x', correlationId: 'c', parentId: 'p', replyTo: 'cli.3', inReplyTo: 'r', key: 'k', leaseMs: 5000, ttlMs: 1000, delayMs: 10 },
    ]) {
      const m = buildMessage(validateSend(send, limits), 'b', 1_700_000_000_000, 42)
      m.attempts = 2
      m.lastError = 'boom'
      if (send.type === 'ask') Object.assign(m, { topic: 'news', deadAt: 1_700_000_000_500, key: 'k "quoted"' })
      const { seq: _seq, ackedAt: _ackedAt, ...wire } = m
      const text = messageEventText(m, 30_000)
      expect(JSON.parse(text)).toEqual(JSON.parse(encodeFrame({ event: 'message', data: { ...wire, leaseMs: 30_000 } })))
      expect(text.endsWith('}\n')).toBe(true)
      expect(text.indexOf('\n')).toBe(text.length - 1)
      // the message itself is untouched
      expect(m.seq).toBe(42)
    }
  })

  it('writes every field of the wire message (a field added to the schema must be added to it)', () => {
    const m = buildMessage(validateSend({ from: 'a', to: 'b', type: 't', payload: 1, correlationId: 'c', parentId: 'p', replyTo: 'a', inReplyTo: 'r', key: 'k', leaseMs: 5000, ttlMs: 1000, delayMs: 10 }, limits), 'b', 1, 1)
    Object.assign(m, { topic: 'news', lastError: 'e', deadAt: 2 })
    const data = (JSON.parse(messageEventText(m, 30_000)) as { data: Record<string, unknown> }).data
    expect(Object.keys(data).sort()).toEqual(Object.keys(WireMessageSchema.entries).sort())
  })
})
