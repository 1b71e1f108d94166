import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { InvalidMessageError } from '../../../src/core/queue/errors/invalid-message-error.js'
import { UnknownRecipientError } from '../../../src/core/queue/errors/unknown-recipient-error.js'
import type { SendInput } from '../../../src/core/queue/message.js'
import type { MessageQueue } from '../../../src/core/queue/queue.js'
import { QueueHarness, STORE_KINDS } from './helpers.js'

const ok: SendInput = { from: 'alice', to: 'bob', type: 'task' }
const cyclic: Record<string, unknown> = {}
cyclic.self = cyclic

describe.each(STORE_KINDS)('MessageQueue send validation: $name store', (kind) => {
  let h: QueueHarness
  let q: MessageQueue
  beforeEach(async () => {
    h = await QueueHarness.create(kind)
    q = await h.open({ maxPayloadBytes: 1_000, maxHops: 3 })
  })
  afterEach(async () => {
    await h.cleanup()
  })

  async function expectStoredNothing(): Promise<void> {
    expect(q.stats()).toEqual({ pending: 0, inFlight: 0, dead: 0 })
    await q.close()
    const reopened = await h.open()
    expect(reopened.stats()).toEqual({ pending: 0, inFlight: 0, dead: 0 })
  }

  it.each([
    ['missing type', { ...ok, type: undefined }, 'type', /'type' must be a non-empty string, got nothing/],
    ['empty type', { ...ok, type: '' }, 'type', /got ""/],
    ['non-integer priority', { ...ok, priority: 1.5 }, 'priority', /'priority' must be a whole number, got 1\.5/],
    ['string priority', { ...ok, priority: '2' }, 'priority', /got "2"/],
    ['hops over the limit', { ...ok, hops: 4 }, 'hops', /hops 4 is over the limit of 3/],
    ['negative hops', { ...ok, hops: -1 }, 'hops', /got -1/],
    ['payload over the cap', { ...ok, payload: 'x'.repeat(1_000) }, 'payload', /1002 bytes of JSON, over the limit of 1000/],
    ['multi-byte payload over the cap', { ...ok, payload: 'é'.repeat(600) }, 'payload', /1202 bytes/],
    ['cyclic payload', { ...ok, payload: cyclic }, 'payload', /not JSON-serialisable .*Circular/],
    ['bigint payload', { ...ok, payload: { n: 10n } }, 'payload', /not JSON-serialisable .*10n/],
    ['function payload', { ...ok, payload: () => 1 }, 'payload', /not JSON-serialisable: \[Function/],
    ['negative delay', { ...ok, delayMs: -5 }, 'delayMs', /'delayMs' must be .* got -5/],
    ['NaN ttl', { ...ok, ttlMs: Number.NaN }, 'ttlMs', /got NaN/],
    ['empty from', { ...ok, from: '' }, 'from', /'from' must be a non-empty string/],
    ['delay over 2^31-1 ms', { ...ok, delayMs: 2 ** 31 }, 'delayMs', /'delayMs' must be a whole number from 0 to 2147483647, got 2147483648/],
    ['ttl over 2^31-1 ms', { ...ok, ttlMs: 2 ** 31 }, 'ttlMs', /got 2147483648/],
    ['fractional delay', { ...ok, delayMs: 1.5 }, 'delayMs', /'delayMs' must be a whole number from 0 to 2147483647, got 1\.5/],
    ['key over 256 characters', { ...ok, key: 'k'.repeat(257) }, 'key', /'key' must be a non-empty string of at most 256 characters, got "kkk/],
    ['priority past 2^53 - 1', { ...ok, priority: 2 ** 53 }, 'priority', /from -9007199254740991 to 9007199254740991, got 9007199254740992/],
    ['not an object', 'hello' as unknown as SendInput, 'input', /a send must be an object, got "hello"/],
    ['zero lease', { ...ok, leaseMs: 0 }, 'leaseMs', /'leaseMs' must be a whole number from 250 to 2147483647, got 0/],
    ['lease under 250 ms', { ...ok, leaseMs: 249 }, 'leaseMs', /'leaseMs' must be a whole number from 250 .* got 249/],
    ['lease over 2^31-1 ms', { ...ok, leaseMs: 2 ** 31 }, 'leaseMs', /got 2147483648/],
  ])('refuses %s, quoting the value, and stores nothing', async (_name, input, field, message) => {
    const err = await q.send(input as SendInput).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(InvalidMessageError)
    expect(err).toMatchObject({ code: 'E_INVALID_MESSAGE', field })
    expect((err as Error).message).toMatch(message)
    await expectStoredNothing()
  })

  it('accepts a payload exactly at the cap', async () => {
    await expect(q.send({ ...ok, payload: 'x'.repeat(998) })).resolves.toHaveLength(1)
  })

  it('refuses an unknown recipient and lists the known agents', async () => {
    const err = await q.send({ ...ok, to: 'carol' }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(UnknownRecipientError)
    expect(err).toMatchObject({ code: 'E_UNKNOWN_RECIPIENT', recipient: 'carol', knownAgents: ['alice', 'bob', 'worker'] })
    expect((err as Error).message).toMatch(/unknown recipient 'carol'.*known agents: alice, bob, worker/)
    await expectStoredNothing()
  })

  it('refuses an instance number out of range, saying which exist', async () => {
    for (const to of ['worker:3', 'worker:7', 'bob:1']) {
      await expect(q.send({ ...ok, to })).rejects.toMatchObject({ code: 'E_UNKNOWN_RECIPIENT', recipient: to })
    }
    await expect(q.send({ ...ok, to: 'worker:3' })).rejects.toThrow(/'worker' has 3 instance\(s\): 0\.\.2/)
    await expect(q.send({ ...ok, to: 'worker:2' })).resolves.toHaveLength(1)
  })
})
