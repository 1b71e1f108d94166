import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { MessageQueue } from '../../../src/core/queue/queue.js'
import { FAKED, QueueHarness, recipient, STORE_KINDS } from './helpers.js'

describe.each(STORE_KINDS)('MessageQueue per-instance inbox and in flight: $name store', (kind) => {
  let h: QueueHarness
  beforeEach(async () => {
    h = await QueueHarness.create(kind)
  })
  afterEach(async () => {
    await h.cleanup()
  })

  const WORKERS = ['worker:0', 'worker:1', 'worker:2']
  const loads = (q: MessageQueue): Array<{ inbox: number; inFlight: number }> => WORKERS.map((id) => q.instanceLoad('worker', id))
  const sendTo = async (q: MessageQueue, to: string, n: number): Promise<string[]> => {
    const ids: string[] = []
    for (let i = 0; i < n; i++) ids.push(...(await q.send({ from: 'alice', to, type: 't' })).map((m) => m.id))
    return ids
  }

  it("splits the name's pending messages over the instances, adds each one's own, and counts nothing twice", async () => {
    const q = await h.open()
    await sendTo(q, 'worker', 10)
    await sendTo(q, 'worker:1', 2)
    await q.send({ from: 'alice', to: 'worker', type: 't', delayMs: 60_000 })
    // 11 to the name (the delayed one too) → 4, 4, 3; worker:1 has its own 2 besides
    expect(loads(q)).toEqual([
      { inbox: 4, inFlight: 0 },
      { inbox: 4 + 2, inFlight: 0 },
      { inbox: 3, inFlight: 0 },
    ])
    expect(loads(q).reduce((n, l) => n + l.inbox, 0)).toBe(q.stats().pending)
    expect(q.inboxCount('worker')).toBe(13)
  })

  it('counts what each instance holds as in flight, and shares what waits among the consuming ones; acks and nacks bring it down', async () => {
    const q = await h.open({ maxInFlight: 2 })
    const w0 = recipient('worker:0', 'worker')
    const w2 = recipient('worker:2', 'worker')
    q.attach(w0)
    q.attach(w2)
    await sendTo(q, 'worker', 9)
    await sendTo(q, 'worker:1', 1)
    // 4 delivered (2 each), 5 to the name wait for worker:0 and worker:2 only; worker:1's own one waits for it
    expect(loads(q)).toEqual([
      { inbox: 3, inFlight: 2 },
      { inbox: 1, inFlight: 0 },
      { inbox: 2, inFlight: 2 },
    ])
    expect(q.stats()).toEqual({ pending: 6, inFlight: 4, dead: 0 })

    await q.ack('worker:0', w0.received[0]!.id)
    // its freed slot took the next message at once
    expect(q.instanceLoad('worker', 'worker:0').inFlight).toBe(2)
    expect(q.stats()).toEqual({ pending: 5, inFlight: 4, dead: 0 })

    // the agent dies: what it held goes back, and the name's messages wait for worker:2 alone
    q.detach('worker:0', 'gone')
    expect(loads(q)).toEqual([
      { inbox: 0, inFlight: 0 },
      { inbox: 1, inFlight: 0 },
      { inbox: 6, inFlight: 2 },
    ])
    expect(loads(q).reduce((n, l) => n + l.inbox, 0)).toBe(q.stats().pending)

    const held = w2.received.slice(-2)
    await q.nack('worker:2', held[0]!.id, 'no')
    await q.ack('worker:2', held[1]!.id)
    expect(q.instanceLoad('worker', 'worker:2').inFlight).toBe(2)
    expect(loads(q).reduce((n, l) => n + l.inFlight, 0)).toBe(q.stats().inFlight)
  })

  it('drains to 0 when the holders ack everything', async () => {
    const q = await h.open()
    const workers = WORKERS.map((id) => recipient(id, 'worker', (m) => void q.ack(id, m.id)))
    await sendTo(q, 'worker', 7)
    await sendTo(q, 'worker:2', 3)
    for (const w of workers) q.attach(w)
    expect(workers.reduce((n, w) => n + w.received.length, 0)).toBe(10)
    expect(loads(q)).toEqual(WORKERS.map(() => ({ inbox: 0, inFlight: 0 })))
    expect(q.stats()).toEqual({ pending: 0, inFlight: 0, dead: 0 })
  })

  it("gives a single instance (id = the name) the name's messages and those to 'name:0'", async () => {
    const q = await h.open()
    await q.send({ from: 'bob', to: 'alice', type: 't' })
    await q.send({ from: 'bob', to: 'alice:0', type: 't' })
    expect(q.instanceLoad('alice', 'alice')).toEqual({ inbox: 2, inFlight: 0 })
    q.attach(recipient('alice'))
    expect(q.instanceLoad('alice', 'alice')).toEqual({ inbox: 0, inFlight: 2 })
  })

  it('shows an id the queue does not know as an agent only what is addressed to it', async () => {
    const q = await h.open()
    await q.send({ from: 'bob', to: 'worker', type: 't' })
    await q.send({ from: 'bob', to: 'worker:1', type: 't' })
    expect(q.instanceLoad('ghost', 'ghost')).toEqual({ inbox: 0, inFlight: 0 })
    expect(q.instanceLoad('worker', 'worker:7')).toEqual({ inbox: 0, inFlight: 0 })
  })
})


describe.each(STORE_KINDS)('MessageQueue in flight across a lease timeout: $name store', (kind) => {
  let h: QueueHarness
  beforeEach(async () => {
    vi.useFakeTimers({ toFake: [...FAKED] })
    h = await QueueHarness.create(kind)
  })
  afterEach(async () => {
    await h.cleanup()
    vi.useRealTimers()
  })

  it('moves a message whose lease ran out from one holder to the next, counted once', async () => {
    const q = await h.open({ leaseMs: 1_000, maxInFlight: 1 })
    const [w0, w1] = [recipient('worker:0', 'worker'), recipient('worker:1', 'worker')]
    q.attach(w0)
    const [m] = await q.send({ from: 'a', to: 'worker', type: 't' })
    expect(q.instanceLoad('worker', 'worker:0').inFlight).toBe(1)
    q.attach(w1)
    // worker:0's own, waiting for it while it is full
    await q.send({ from: 'a', to: 'worker:0', type: 'mine', priority: 5 })
    expect(q.instanceLoad('worker', 'worker:0')).toEqual({ inbox: 1, inFlight: 1 })
    vi.advanceTimersByTime(1_000)
    // m went back and on to worker:1; worker:0 took its own
    expect(w1.received.map((x) => x.id)).toEqual([m!.id])
    expect(q.instanceLoad('worker', 'worker:0')).toEqual({ inbox: 0, inFlight: 1 })
    expect(q.instanceLoad('worker', 'worker:1')).toEqual({ inbox: 0, inFlight: 1 })
    expect(q.stats()).toEqual({ pending: 0, inFlight: 2, dead: 0 })
    await q.ack('worker:1', m!.id)
    expect(q.instanceLoad('worker', 'worker:1').inFlight).toBe(0)
  })
})
