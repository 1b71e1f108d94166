import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { MessageNotLeasedError } from '../../../src/core/queue/errors/message-not-leased-error.js'
import type { Message } from '../../../src/core/queue/message.js'
import { QueueHarness, recipient, STORE_KINDS } from './helpers.js'

describe.each(STORE_KINDS)('MessageQueue delivery, failure and dead letters: $name store', (kind) => {
  let h: QueueHarness
  beforeEach(async () => {
    h = await QueueHarness.create(kind)
  })
  afterEach(async () => {
    await h.cleanup()
  })

  it('ack removes the message, also from the store', async () => {
    const q = await h.open()
    const bob = recipient('bob')
    q.attach(bob)
    const [kept] = await q.send({ from: 'alice', to: 'bob', type: 'keep' })
    const [acked] = await q.send({ from: 'alice', to: 'bob', type: 'ack-me' })
    await q.ack('bob', acked!.id)
    expect(q.stats()).toEqual({ pending: 0, inFlight: 1, dead: 0 })
    await q.close()
    const reopened = await h.open()
    expect(reopened.list().pending.map((m) => m.id)).toEqual([kept!.id])
  })

  it('refuses an ack or nack for a message not leased to that recipient', async () => {
    const q = await h.open()
    const [m] = await q.send({ from: 'alice', to: 'bob', type: 't' })
    await expect(q.ack('bob', m!.id)).rejects.toBeInstanceOf(MessageNotLeasedError)
    q.attach(recipient('bob'))
    await expect(q.ack('alice', m!.id)).rejects.toMatchObject({ code: 'E_NOT_LEASED' })
    await expect(q.nack('bob', 'nope', 'x')).rejects.toMatchObject({ code: 'E_NOT_LEASED' })
    await q.ack('bob', m!.id)
    await expect(q.ack('bob', m!.id)).rejects.toMatchObject({ code: 'E_NOT_LEASED' })
  })

  it('nack puts the message back at once with attempts + 1 and lastError', async () => {
    const q = await h.open()
    const bob = recipient('bob')
    q.attach(bob)
    const [m] = await q.send({ from: 'alice', to: 'bob', type: 't' })
    await q.nack('bob', m!.id, 'could not parse')
    expect(bob.received).toHaveLength(2)
    expect(bob.received[1]).toMatchObject({ id: m!.id, attempts: 1, lastError: 'could not parse' })
    await q.close()
    const reopened = await h.open()
    expect(reopened.list().pending[0]).toMatchObject({ id: m!.id, attempts: 1, lastError: 'could not parse' })
  })

  it('detach requeues everything leased to the instance at once, to another instance', async () => {
    const q = await h.open()
    const [w1, w2] = [recipient('worker:0', 'worker'), recipient('worker:1', 'worker')]
    q.attach(w1)
    const sent = await Promise.all([1, 2, 3].map(() => q.send({ from: 'a', to: 'worker', type: 't' })))
    expect(w1.received).toHaveLength(3)
    q.attach(w2)
    q.detach('worker:0', 'exit code 1')
    expect(w2.received.map((m) => m.id)).toEqual(sent.flat().map((m) => m.id))
    for (const m of w2.received) {
      expect(m.attempts).toBe(1)
      expect(m.lastError).toContain('exit code 1')
    }
    expect(q.list('worker').inFlight.every((m) => m.leasedTo === 'worker:1')).toBe(true)
  })

  it('dead-letters after maxAttempts failures, keeping the last error', async () => {
    const q = await h.open({ maxAttempts: 3 })
    const deadEvents: [Message, string][] = []
    q.on('deadLettered', (m, reason) => deadEvents.push([m, reason]))
    const bob = recipient('bob')
    q.attach(bob)
    const [m] = await q.send({ from: 'alice', to: 'bob', type: 't' })
    await q.nack('bob', m!.id, 'first')
    await q.nack('bob', m!.id, 'second')
    q.detach('bob', 'crashed')
    expect(bob.received).toHaveLength(3)
    expect(q.stats()).toEqual({ pending: 0, inFlight: 0, dead: 1 })
    const [dead] = q.dead()
    expect(dead).toMatchObject({ id: m!.id, attempts: 3 })
    expect(dead!.lastError).toContain('crashed')
    expect(dead!.deadAt).toBeTypeOf('number')
    expect(deadEvents).toHaveLength(1)
    q.attach(recipient('bob'))
    expect(q.stats().inFlight).toBe(0)
  })

  it('replays dead letters with attempts reset, one or all', async () => {
    const q = await h.open({ maxAttempts: 1 })
    const bob = recipient('bob')
    q.attach(bob)
    const sent = (await Promise.all([1, 2, 3].map(() => q.send({ from: 'a', to: 'bob', type: 't' })))).flat()
    q.detach('bob', 'gone')
    expect(q.dead()).toHaveLength(3)
    expect(await q.replay(sent[1]!.id)).toBe(1)
    await expect(q.replay('no-such-id')).rejects.toMatchObject({ code: 'E_NO_DEAD_LETTER', message: expect.stringMatching(/no dead letter with id 'no-such-id'/) })
    const replayed = q.list('bob').pending
    expect(replayed).toHaveLength(1)
    expect(replayed[0]).toMatchObject({ id: sent[1]!.id, attempts: 0 })
    expect(replayed[0]!.lastError).toBeUndefined()
    expect(replayed[0]!.deadAt).toBeUndefined()
    expect(await q.replay('all')).toBe(2)
    expect(q.dead()).toEqual([])
    await q.close()
    const reopened = await h.open()
    expect(reopened.stats()).toEqual({ pending: 3, inFlight: 0, dead: 0 })
    const bob2 = recipient('bob')
    reopened.attach(bob2)
    // replay keeps each message's place in the order
    expect(bob2.received.map((m) => m.id)).toEqual(sent.map((m) => m.id))
  })

  it('replays a dead letter by a prefix of its id, and refuses a prefix that names several or none', async () => {
    const q = await h.open({ maxAttempts: 1 })
    // 40 ids over 16 hex digits: some first digit starts several of them
    const sent = (await Promise.all(Array.from({ length: 40 }, () => q.send({ from: 'a', to: 'bob', type: 't' })))).flat()
    q.attach(recipient('bob'))
    q.detach('bob', 'gone')
    expect(q.dead()).toHaveLength(40)
    const digit = sent.map((m) => m.id[0]!).find((d, i, all) => all.indexOf(d) !== i)!
    const shared = sent.filter((m) => m.id.startsWith(digit))
    await expect(q.replay(digit)).rejects.toMatchObject({
      code: 'E_AMBIGUOUS_ID',
      message: expect.stringContaining(`'${digit}' is the start of ${shared.length} dead letters' ids (${shared.slice(0, 5).map((m) => m.id).join(', ')}`),
    })
    await expect(q.replay('xyz')).rejects.toMatchObject({ code: 'E_NO_DEAD_LETTER' })
    expect(await q.replay(shared[0]!.id.slice(0, 12))).toBe(1)
    expect(q.list('bob').pending.map((m) => m.id)).toEqual([shared[0]!.id])
    expect(q.dead()).toHaveLength(39)
  })

  it('purges the pending and dead messages of an agent, not what is in flight or for others', async () => {
    const q = await h.open({ maxAttempts: 1 })
    const w1 = recipient('worker:0', 'worker')
    q.attach(w1)
    await q.send({ from: 'a', to: 'worker', type: 'dies' })
    q.detach('worker:0', 'gone')
    await q.send({ from: 'a', to: 'worker', type: 'pending' })
    await q.send({ from: 'a', to: 'worker:1', type: 'pending-instance' })
    await q.send({ from: 'a', to: 'bob', type: 'other agent' })
    const w2 = recipient('worker:1', 'worker')
    q.attach(w2)
    expect(w2.received).toHaveLength(2)
    await q.send({ from: 'a', to: 'worker:2', type: 'pending-3' })
    expect(await q.purge('worker')).toBe(2)
    expect(q.inboxCount('worker')).toBe(0)
    expect(q.stats()).toEqual({ pending: 1, inFlight: 2, dead: 0 })
    q.attach(recipient('worker:2', 'worker'))
    expect(q.stats().inFlight).toBe(2)
    await q.close()
    const reopened = await h.open()
    expect(reopened.stats()).toEqual({ pending: 3, inFlight: 0, dead: 0 })
    expect(reopened.inboxCount('bob')).toBe(1)
  })

  it('keeps at most maxInFlight leased per instance', async () => {
    const q = await h.open({ maxInFlight: 3 })
    const bob = recipient('bob')
    q.attach(bob)
    for (let i = 0; i < 5; i++) await q.send({ from: 'a', to: 'bob', type: 't' })
    expect(bob.received).toHaveLength(3)
    await q.ack('bob', bob.received[0]!.id)
    expect(bob.received).toHaveLength(4)
  })

  it('treats a recipient whose deliver throws as gone', async () => {
    const q = await h.open()
    const errors: Error[] = []
    q.on('error', (e) => errors.push(e))
    const broken = { id: 'bob', name: 'bob', deliver: () => { throw new Error('socket closed') } }
    q.attach(broken)
    await q.send({ from: 'a', to: 'bob', type: 't' })
    const [m] = q.list('bob').pending
    expect(m).toMatchObject({ attempts: 1 })
    expect(m!.lastError).toContain('socket closed')
    const bob = recipient('bob')
    q.attach(bob)
    expect(bob.received).toHaveLength(1)
    expect(errors).toEqual([])
  })

  it('emits typed events in order', async () => {
    const q = await h.open()
    const log: string[] = []
    q.on('sent', (m) => log.push(`sent ${m.type}`))
      .on('delivered', (m, to) => log.push(`delivered ${m.type} to ${to}`))
      .on('nacked', (m, by, err) => log.push(`nacked ${m.type} by ${by}: ${err}`))
      .on('acked', (m, by) => log.push(`acked ${m.type} by ${by}`))
    q.attach(recipient('bob'))
    const [m] = await q.send({ from: 'a', to: 'bob', type: 't' })
    await q.nack('bob', m!.id, 'retry')
    await q.ack('bob', m!.id)
    expect(log).toEqual([
      'sent t',
      'delivered t to bob',
      'nacked t by bob: retry',
      'delivered t to bob',
      'acked t by bob',
    ])
  })

  it("reports 'delivered' before 'acked' when the recipient acks inside deliver", async () => {
    const q = await h.open()
    const log: string[] = []
    q.on('delivered', () => log.push('delivered')).on('acked', () => log.push('acked'))
    q.attach(recipient('bob', 'bob', (m) => void q.ack('bob', m.id)))
    await q.send({ from: 'a', to: 'bob', type: 't' })
    expect(log).toEqual(['delivered', 'acked'])
  })

  it('isolates a throwing listener', async () => {
    const q = await h.open()
    const errors: Error[] = []
    q.on('error', (e) => errors.push(e))
    q.on('sent', () => {
      throw new Error('plugin bug')
    })
    const bob = recipient('bob')
    q.attach(bob)
    await q.send({ from: 'a', to: 'bob', type: 't' })
    expect(bob.received).toHaveLength(1)
    expect(errors.map((e) => e.message)).toEqual(['plugin bug'])
  })

  it('refuses work once closed', async () => {
    const q = await h.open()
    await q.close()
    await expect(q.send({ from: 'a', to: 'bob', type: 't' })).rejects.toMatchObject({ code: 'E_QUEUE_CLOSED' })
    expect(() => q.attach(recipient('bob'))).toThrow(/closed/)
    q.detach('bob', 'late')
  })
})
