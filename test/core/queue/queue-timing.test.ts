import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { MemoryQueueStore } from '../../../src/core/queue/memory-store.js'
import type { Message } from '../../../src/core/queue/message.js'
import { MessageQueue } from '../../../src/core/queue/queue.js'
import { acked, FAKED, QueueHarness, recipient, STORE_KINDS } from './helpers.js'


describe.each(STORE_KINDS)('MessageQueue leases, ttl and delay: $name store', (kind) => {
  let h: QueueHarness
  beforeEach(async () => {
    vi.useFakeTimers({ toFake: [...FAKED] })
    h = await QueueHarness.create(kind)
  })
  afterEach(async () => {
    await h.cleanup()
    vi.useRealTimers()
  })

  it('requeues a message whose lease runs out, with attempts + 1', async () => {
    const q = await h.open({ leaseMs: 1_000, maxInFlight: 1 })
    const [w1, w2] = [recipient('worker:0', 'worker'), recipient('worker:1', 'worker')]
    q.attach(w1)
    const [m] = await q.send({ from: 'a', to: 'worker', type: 't' })
    q.attach(w2)
    // waits for worker:0, which is full; it outranks m once worker:0 is free
    const [mine] = await q.send({ from: 'a', to: 'worker:0', type: 'mine', priority: 5 })
    vi.advanceTimersByTime(999)
    expect(q.stats()).toEqual({ pending: 1, inFlight: 1, dead: 0 })
    vi.advanceTimersByTime(1)
    expect(w1.received.map((x) => x.id)).toEqual([m!.id, mine!.id])
    expect(w2.received).toHaveLength(1)
    expect(w2.received[0]).toMatchObject({ id: m!.id, attempts: 1 })
    expect(w2.received[0]!.lastError).toMatch(/lease expired.*worker:0/)
    await expect(q.ack('worker:0', m!.id)).rejects.toMatchObject({ code: 'E_NOT_LEASED' })
    await q.close()
    const reopened = await h.open()
    expect(reopened.list().pending.find((x) => x.id === m!.id)).toMatchObject({ attempts: 1 })
  })

  it('keeps a lease alive until its own deadline when others are acked', async () => {
    const q = await h.open({ leaseMs: 1_000 })
    const bob = recipient('bob')
    q.attach(bob)
    const [first] = await q.send({ from: 'a', to: 'bob', type: 'first' })
    vi.advanceTimersByTime(500)
    const [second] = await q.send({ from: 'a', to: 'bob', type: 'second' })
    await acked(q.ack('bob', first!.id))
    vi.advanceTimersByTime(999)
    expect(q.list().inFlight.map((m) => m.id)).toEqual([second!.id])
    vi.advanceTimersByTime(1)
    expect(bob.received.map((m) => m.id)).toEqual([first!.id, second!.id, second!.id])
  })

  it('dead-letters a message after repeated lease timeouts', async () => {
    const q = await h.open({ leaseMs: 100, maxAttempts: 2 })
    q.attach(recipient('bob'))
    await q.send({ from: 'a', to: 'bob', type: 't' })
    vi.advanceTimersByTime(100)
    vi.advanceTimersByTime(100)
    expect(q.stats()).toEqual({ pending: 0, inFlight: 0, dead: 1 })
    expect(q.dead()[0]!.lastError).toMatch(/lease expired/)
  })

  it('dead-letters a message whose ttl passes before delivery', async () => {
    const q = await h.open()
    const expired: Message[] = []
    q.on('expired', (m) => expired.push(m))
    const [m] = await q.send({ from: 'a', to: 'bob', type: 't', ttlMs: 500 })
    expect(m!.expiresAt).toBe(m!.createdAt + 500)
    vi.advanceTimersByTime(499)
    expect(q.inboxCount('bob')).toBe(1)
    vi.advanceTimersByTime(1)
    expect(q.inboxCount('bob')).toBe(0)
    expect(q.dead()).toEqual([expect.objectContaining({ id: m!.id, lastError: 'expired (ttl)' })])
    expect(expired.map((x) => x.id)).toEqual([m!.id])
    const bob = recipient('bob')
    q.attach(bob)
    expect(bob.received).toEqual([])
    await q.close()
    const reopened = await h.open()
    expect(reopened.dead()).toEqual([expect.objectContaining({ id: m!.id, lastError: 'expired (ttl)' })])
  })

  it('does not expire a message that was delivered in time', async () => {
    const q = await h.open()
    const bob = recipient('bob')
    q.attach(bob)
    const [m] = await q.send({ from: 'a', to: 'bob', type: 't', ttlMs: 100 })
    vi.advanceTimersByTime(200)
    await acked(q.ack('bob', m!.id))
    expect(q.stats()).toEqual({ pending: 0, inFlight: 0, dead: 0 })
  })

  it('dead-letters at once a message whose delivery fails after its ttl: nack, lease timeout or detach, keeping the reason', async () => {
    const q = await h.open({ leaseMs: 1_000 })
    const expired: Message[] = []
    q.on('expired', (m) => expired.push(m))
    const bob = recipient('bob')
    q.attach(bob)
    const [nacked] = await q.send({ from: 'a', to: 'bob', type: 'nacked', ttlMs: 100 })
    vi.advanceTimersByTime(200)
    await q.nack('bob', nacked!.id, 'boom')
    expect(q.dead()).toEqual([expect.objectContaining({ id: nacked!.id, attempts: 1, lastError: 'expired (ttl); last delivery failed: boom' })])

    const [timedOut] = await q.send({ from: 'a', to: 'bob', type: 'timedOut', ttlMs: 100 })
    vi.advanceTimersByTime(1_000)
    expect(q.dead()[1]).toMatchObject({ id: timedOut!.id, attempts: 1, lastError: expect.stringMatching(/^expired \(ttl\); last delivery failed: lease expired/) })

    const [dropped] = await q.send({ from: 'a', to: 'bob', type: 'dropped', ttlMs: 100 })
    vi.advanceTimersByTime(200)
    q.detach('bob', 'disconnected', bob)
    expect(q.dead()[2]).toMatchObject({ id: dropped!.id, attempts: 1, lastError: "expired (ttl); last delivery failed: recipient 'bob' went away: disconnected" })
    expect(expired.map((m) => m.type)).toEqual(['nacked', 'timedOut', 'dropped'])
    expect(bob.received.map((m) => m.type)).toEqual(['nacked', 'timedOut', 'dropped'])
    expect(q.stats()).toEqual({ pending: 0, inFlight: 0, dead: 3 })
  })

  it('requeues a message nacked before its ttl', async () => {
    const q = await h.open()
    const bob = recipient('bob')
    q.attach(bob)
    const [m] = await q.send({ from: 'a', to: 'bob', type: 't', ttlMs: 1_000 })
    vi.advanceTimersByTime(999)
    await q.nack('bob', m!.id, 'again')
    expect(bob.received[1]).toMatchObject({ id: m!.id, attempts: 1, lastError: 'again' })
  })

  it('holds a delayed message until its time', async () => {
    const q = await h.open()
    const bob = recipient('bob')
    q.attach(bob)
    const [later] = await q.send({ from: 'a', to: 'bob', type: 'later', delayMs: 1_000, priority: 9 })
    const [now] = await q.send({ from: 'a', to: 'bob', type: 'now' })
    expect(later!.notBefore).toBe(later!.createdAt + 1_000)
    expect(bob.received.map((m) => m.id)).toEqual([now!.id])
    expect(q.inboxCount('bob')).toBe(1)
    vi.advanceTimersByTime(999)
    expect(bob.received).toHaveLength(1)
    vi.advanceTimersByTime(1)
    expect(bob.received.map((m) => m.id)).toEqual([now!.id, later!.id])
  })

  it('keeps a delayed message delayed across a restart', async () => {
    const q = await h.open()
    const [m] = await q.send({ from: 'a', to: 'bob', type: 't', delayMs: 1_000 })
    await q.close()
    const reopened = await h.open()
    const bob = recipient('bob')
    reopened.attach(bob)
    expect(bob.received).toEqual([])
    vi.advanceTimersByTime(1_000)
    expect(bob.received.map((x) => x.id)).toEqual([m!.id])
  })
})

describe('MessageQueue scheduled compaction', () => {
  afterEach(() => {
    vi.useRealTimers()
  })

  it('compacts the store every compactEveryMs until closed', async () => {
    vi.useFakeTimers({ toFake: [...FAKED] })
    const store = new MemoryQueueStore()
    const compact = vi.spyOn(store, 'compact')
    const q = await MessageQueue.open({ store, compactEveryMs: 1_000 })
    // the async variant lets each compaction settle before the next tick
    await vi.advanceTimersByTimeAsync(3_000)
    expect(compact).toHaveBeenCalledTimes(3)
    await q.close()
    await vi.advanceTimersByTimeAsync(3_000)
    expect(compact).toHaveBeenCalledTimes(3)
  })
})
