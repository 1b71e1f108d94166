import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Message } from '../../../src/core/queue/message.js'
import { QueueHarness, recipient, STORE_KINDS } from './helpers.js'

describe.each(STORE_KINDS)('MessageQueue dispatch order and addressing: $name store', (kind) => {
  let h: QueueHarness
  beforeEach(async () => {
    h = await QueueHarness.create(kind)
  })
  afterEach(async () => {
    await h.cleanup()
  })

  const expectedOrder = (ms: Message[]) =>
    [...ms].sort((a, b) => b.priority - a.priority || a.seq - b.seq).map((m) => m.id)

  it('delivers highest priority first, FIFO within a priority, across 1,000 messages', async () => {
    const q = await h.open({ maxInFlight: 10 })
    const sent = (
      await Promise.all(
        Array.from({ length: 1_000 }, (_, i) =>
          q.send({ from: 'alice', to: 'bob', type: 't', priority: (i * 37) % 5, payload: { i } }),
        ),
      )
    ).flat()
    // acking inside deliver keeps only 10 in flight, so order is decided message by message
    const bob = recipient('bob', 'bob', (m) => void q.ack('bob', m.id))
    q.attach(bob)
    expect(bob.received.map((m) => m.id)).toEqual(expectedOrder(sent))
    expect(q.stats()).toEqual({ pending: 0, inFlight: 0, dead: 0 })
  })

  it('holds messages while the recipient is not attached', async () => {
    const q = await h.open()
    await q.send({ from: 'alice', to: 'bob', type: 't' })
    expect(q.stats()).toEqual({ pending: 1, inFlight: 0, dead: 0 })
    expect(q.inboxCount('bob')).toBe(1)
    const bob = recipient('bob')
    q.attach(bob)
    expect(bob.received).toHaveLength(1)
    expect(q.stats()).toEqual({ pending: 0, inFlight: 1, dead: 0 })
    expect(q.inboxCount('bob')).toBe(0)
  })

  it('spreads messages to a group over its attached instances', async () => {
    const q = await h.open()
    const workers = [1, 2, 3].map((n) => recipient(`worker:${n - 1}`, 'worker'))
    for (const w of workers) q.attach(w)
    for (let i = 0; i < 30; i++) await q.send({ from: 'alice', to: 'worker', type: 't' })
    expect(workers.map((w) => w.received.length)).toEqual([10, 10, 10])
    const ids = workers.flatMap((w) => w.received.map((m) => m.id))
    expect(new Set(ids).size).toBe(30)
  })

  it('gives group work to the instances with spare capacity', async () => {
    const q = await h.open({ maxInFlight: 2 })
    const [w1, w2] = [recipient('worker:0', 'worker'), recipient('worker:1', 'worker')]
    q.attach(w1)
    for (let i = 0; i < 2; i++) await q.send({ from: 'alice', to: 'worker', type: 't' })
    expect(w1.received).toHaveLength(2)
    q.attach(w2)
    for (let i = 0; i < 3; i++) await q.send({ from: 'alice', to: 'worker', type: 't' })
    expect(w1.received).toHaveLength(2)
    expect(w2.received).toHaveLength(2)
    expect(q.stats()).toEqual({ pending: 1, inFlight: 4, dead: 0 })
    await q.ack('worker:0', w1.received[0]!.id)
    expect(w1.received).toHaveLength(3)
  })

  it('delivers an instance-addressed message to that instance only', async () => {
    const q = await h.open()
    const [w1, w2] = [recipient('worker:0', 'worker'), recipient('worker:1', 'worker')]
    q.attach(w1)
    await q.send({ from: 'alice', to: 'worker:1', type: 'for-two' })
    expect(w1.received).toHaveLength(0)
    expect(q.inboxCount('worker')).toBe(1)
    q.attach(w2)
    expect(w2.received.map((m) => m.type)).toEqual(['for-two'])
    expect(w2.received[0]!.to).toBe('worker:1')
  })

  it('lets an instance draw from its own queue and its group queue, best first', async () => {
    const q = await h.open()
    const low = await q.send({ from: 'a', to: 'worker', type: 'group-low', priority: 1 })
    const own = await q.send({ from: 'a', to: 'worker:0', type: 'own-high', priority: 5 })
    const group = await q.send({ from: 'a', to: 'worker', type: 'group-high', priority: 5 })
    const w1 = recipient('worker:0', 'worker')
    q.attach(w1)
    expect(w1.received.map((m) => m.id)).toEqual([own[0]!.id, group[0]!.id, low[0]!.id])
  })

  it("treats 'name:0' of a single-instance agent as that agent", async () => {
    const q = await h.open()
    await q.send({ from: 'bob', to: 'alice:0', type: 't' })
    const alice = recipient('alice')
    q.attach(alice)
    expect(alice.received.map((m) => m.to)).toEqual(['alice:0'])
    expect(q.inboxCount('alice')).toBe(0)
  })

  it('accepts replies to an attached recipient that is not an agent', async () => {
    const q = await h.open()
    const cli = recipient('cli-42', 'cli')
    q.attach(cli)
    await q.send({ from: 'alice', to: 'cli-42', type: 'reply' })
    expect(cli.received).toHaveLength(1)
  })

  it('counts the inbox of an agent over its name and instances, and lists by agent', async () => {
    const q = await h.open()
    await q.send({ from: 'a', to: 'worker', type: 't' })
    await q.send({ from: 'a', to: 'worker:2', type: 't' })
    await q.send({ from: 'a', to: 'bob', type: 't', delayMs: 60_000 })
    expect(q.inboxCount('worker')).toBe(2)
    expect(q.inboxCount('bob')).toBe(1)
    expect(q.inboxCount('alice')).toBe(0)
    expect(q.list('worker').pending.map((m) => m.to)).toEqual(['worker', 'worker:2'])
    expect(q.list().pending).toHaveLength(3)
    const w3 = recipient('worker:2', 'worker')
    q.attach(w3)
    const listing = q.list('worker')
    expect(listing.pending).toHaveLength(0)
    expect(listing.inFlight.map((m) => m.leasedTo)).toEqual(['worker:2', 'worker:2'])
    expect(listing.inFlight[0]!.leaseExpiresAt).toBeGreaterThan(Date.now())
  })
})
