import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Message } from '../../../src/core/queue/message.js'
import { QueueHarness, recipient, STORE_KINDS } from './helpers.js'

describe.each(STORE_KINDS)('MessageQueue restart: $name store', (kind) => {
  let h: QueueHarness
  beforeEach(async () => {
    h = await QueueHarness.create(kind)
  })
  afterEach(async () => {
    await h.cleanup()
  })

  it('restores pending, in-flight (as pending) and dead messages, their order and the seq counter', async () => {
    const q = await h.open({ maxAttempts: 1 })
    const sent: Message[] = []
    for (let i = 0; i < 200; i++) {
      sent.push(...(await q.send({ from: 'alice', to: 'bob', type: 't', priority: i % 4, payload: { i } })))
    }
    const [doomed] = await q.send({ from: 'alice', to: 'worker', type: 'doomed' })
    const w1 = recipient('worker:0', 'worker')
    q.attach(w1)
    q.detach('worker:0', 'crashed')
    const [leased] = await q.send({ from: 'alice', to: 'worker', type: 'leased' })
    q.attach(recipient('worker:1', 'worker'))
    expect(q.list('worker').inFlight.map((m) => m.id)).toEqual([leased!.id])
    const maxSeq = Math.max(...[...sent, doomed!, leased!].map((m) => m.seq))
    // no close: what is on disk must be enough (writes have resolved)

    const reopened = await h.open({ maxAttempts: 1, maxInFlight: 1_000 })
    expect(reopened.stats()).toEqual({ pending: 201, inFlight: 0, dead: 1 })
    expect(reopened.dead()).toEqual([expect.objectContaining({ id: doomed!.id, attempts: 1 })])
    expect(reopened.dead()[0]!.lastError).toContain('crashed')

    const bob = recipient('bob')
    reopened.attach(bob)
    const expected = [...sent].sort((a, b) => b.priority - a.priority || a.seq - b.seq)
    expect(bob.received.map((m) => m.id)).toEqual(expected.map((m) => m.id))
    expect(bob.received).toEqual(expected)

    const w = recipient('worker:2', 'worker')
    reopened.attach(w)
    expect(w.received.map((m) => m.id)).toEqual([leased!.id])

    const [next] = await reopened.send({ from: 'alice', to: 'bob', type: 'after restart' })
    expect(next!.seq).toBe(maxSeq + 1)
  })

  it('after thousands of concurrent sends and acks, reopens with exactly the unacked messages', async () => {
    const q = await h.open({ maxInFlight: 10_000 })
    const bob = recipient('bob')
    q.attach(bob)
    const sent = (await Promise.all(Array.from({ length: 5_000 }, (_, i) => q.send({ from: 'a', to: 'bob', type: 't', payload: i })))).flat()
    const acked = bob.received.filter((_, i) => i % 2 === 0)
    await Promise.all(acked.map((m) => q.ack('bob', m.id)))
    const reopened = await h.open({ maxInFlight: 10_000 })
    const ackedIds = new Set(acked.map((m) => m.id))
    const left = reopened.list('bob').pending.map((m) => m.id)
    expect(left).toEqual(sent.filter((m) => !ackedIds.has(m.id)).map((m) => m.id))
  })

  it('continues seq after the highest stored one even when that message was acked', async () => {
    const q = await h.open()
    const [keep] = await q.send({ from: 'a', to: 'bob', type: 't' })
    const bob = recipient('bob')
    q.attach(bob)
    q.detach('bob', 'bye')
    await q.close()
    const reopened = await h.open()
    const [next] = await reopened.send({ from: 'a', to: 'bob', type: 't' })
    expect(next!.seq).toBeGreaterThan(keep!.seq)
  })
})
