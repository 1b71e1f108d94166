import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { Recipient } from '../../../src/core/queue/queue-options.js'
import { acked, FAKED, QueueHarness, recipient, STORE_KINDS, type TestRecipient } from './helpers.js'


/** A recipient with its own concurrency and lease, recording replacements. */
function worker(id: string, maxInFlight: number, leaseMs = 1_000): TestRecipient & { events: string[] } {
  const r = recipient(id, id.replace(/:\d+$/, ''))
  const events: string[] = []
  return Object.assign(r, {
    maxInFlight,
    leaseMs,
    events,
    replaced: () => events.push('replaced'),
    resumed: () => events.push('resumed'),
  })
}

describe.each(STORE_KINDS)('MessageQueue work distribution: $name store', (kind) => {
  let h: QueueHarness
  beforeEach(async () => {
    vi.useFakeTimers({ toFake: [...FAKED] })
    h = await QueueHarness.create(kind)
  })
  afterEach(async () => {
    await h.cleanup()
    vi.useRealTimers()
  })

  describe('concurrency', () => {
    it('gives 4 tasks queued before 4 workers of concurrency 1 one each, whichever connects first', async () => {
      const q = await h.open({}, { worker: 4 })
      for (let i = 0; i < 4; i++) await q.send({ from: 'c', to: 'worker', type: 'task', payload: i })
      const workers = [3, 1, 0, 2].map((i) => worker(`worker:${i}`, 1))
      for (const w of workers) q.attach(w)
      expect(workers.map((w) => w.received.length)).toEqual([1, 1, 1, 1])
      expect(q.stats()).toEqual({ pending: 0, inFlight: 4, dead: 0 })
    })

    it('never has more than concurrency unacked at one instance; an ack lets the next one go', async () => {
      const q = await h.open()
      const bob = worker('bob', 2)
      q.attach(bob)
      const sent = []
      for (let i = 0; i < 5; i++) sent.push((await q.send({ from: 'a', to: 'bob', type: 't', payload: i }))[0]!)
      expect(bob.received.map((m) => m.payload)).toEqual([0, 1])
      await acked(q.ack('bob', sent[0]!.id))
      expect(bob.received.map((m) => m.payload)).toEqual([0, 1, 2])
    })

    it('sends a message for a name to the instance with the fewest in flight', async () => {
      const q = await h.open({}, { worker: 2 })
      const [w0, w1] = [worker('worker:0', 3), worker('worker:1', 3)]
      q.attach(w0)
      const [first] = await q.send({ from: 'a', to: 'worker', type: 't' })
      await q.send({ from: 'a', to: 'worker', type: 't' })
      expect(w0.received).toHaveLength(2)
      q.attach(w1)
      await acked(q.ack('worker:0', first!.id))
      for (let i = 0; i < 3; i++) await q.send({ from: 'a', to: 'worker', type: 't' })
      // w0 holds 1, w1 holds 0: the three go 1 → w1, then one each
      expect([w0.received.length - 1, w1.received.length]).toEqual([2, 2])
    })

    it('delivers replies whatever the concurrency: a handler waiting on a request gets its answer', async () => {
      const q = await h.open()
      const alice = worker('alice', 1)
      q.attach(alice)
      const [job] = await q.send({ from: 'bob', to: 'alice', type: 'job' })
      const [other] = await q.send({ from: 'bob', to: 'alice', type: 'job' })
      const [reply] = await q.send({ from: 'bob', to: 'alice', type: 'ask.reply', inReplyTo: 'req-1', correlationId: 'c1' })
      expect(alice.received.map((m) => m.id)).toEqual([job!.id, reply!.id])
      await acked(q.ack('alice', reply!.id))
      expect(alice.received).toHaveLength(2)
      await acked(q.ack('alice', job!.id))
      expect(alice.received.map((m) => m.id)).toEqual([job!.id, reply!.id, other!.id])
    })
  })

  describe('leases that follow the handler', () => {
    it('renews a lease by its own duration; without renewals it expires', async () => {
      const q = await h.open()
      const bob = worker('bob', 1, 1_000)
      q.attach(bob)
      const [m] = await q.send({ from: 'a', to: 'bob', type: 't' })
      for (let i = 0; i < 10; i++) {
        vi.advanceTimersByTime(900)
        expect(q.extend('bob', [m!.id])).toEqual([])
      }
      expect(q.list().inFlight.map((x) => x.id)).toEqual([m!.id])
      expect(bob.received).toHaveLength(1)
      vi.advanceTimersByTime(1_000)
      // back to pending, and at once to bob again, who has a free slot now
      expect(bob.received).toHaveLength(2)
      expect(bob.received[1]).toMatchObject({ id: m!.id, attempts: 1 })
      expect(bob.received[1]!.lastError).toMatch(/lease expired: 'bob' did not ack or renew within 1000 ms/)
    })

    it('answers extend of a message it does not hold with E_NOT_LEASED, per id', async () => {
      const q = await h.open()
      q.attach(worker('bob', 1))
      const [m] = await q.send({ from: 'a', to: 'bob', type: 't' })
      const failed = q.extend('alice', [m!.id, 'nope'])
      expect(failed.map((f) => [f.id, f.code])).toEqual([
        [m!.id, 'E_NOT_LEASED'],
        ['nope', 'E_NOT_LEASED'],
      ])
    })

    it("uses a message's own lease over the recipient's", async () => {
      const q = await h.open()
      const bob = worker('bob', 2, 1_000)
      q.attach(bob)
      const [long] = await q.send({ from: 'a', to: 'bob', type: 't', leaseMs: 5_000 })
      const [short] = await q.send({ from: 'a', to: 'bob', type: 't' })
      vi.advanceTimersByTime(1_000)
      // only the short one ran out (and went straight back to bob); delivered objects are live, hence ids only
      expect(bob.received.map((x) => x.id)).toEqual([long!.id, short!.id, short!.id])
      vi.advanceTimersByTime(3_999)
      expect(long!.attempts).toBe(0)
      vi.advanceTimersByTime(1)
      expect(long!.attempts).toBe(1)
      expect(long!.lastError).toMatch(/within 5000 ms/)
    })

    it('records progress, shows it in the listing, and renews the lease', async () => {
      const q = await h.open()
      q.attach(worker('bob', 1, 1_000))
      const [m] = await q.send({ from: 'a', to: 'bob', type: 't' })
      vi.advanceTimersByTime(900)
      q.progress('bob', m!.id, { done: 3, of: 10 })
      vi.advanceTimersByTime(900)
      expect(q.list().inFlight[0]).toMatchObject({ id: m!.id, progress: { done: 3, of: 10 } })
      expect(() => q.progress('alice', m!.id, 1)).toThrow(expect.objectContaining({ code: 'E_NOT_LEASED' }))
    })
  })

  describe('idempotent sends', () => {
    it('stores a keyed send once: pending, in flight and acked within the window; again after it', async () => {
      const q = await h.open({ keyWindowMs: 60_000 })
      const first = await q.sendOnce({ from: 'a', to: 'bob', type: 't', key: 'job-1' })
      const again = await q.sendOnce({ from: 'a', to: 'bob', type: 't', key: 'job-1' })
      expect(first.duplicate).toBe(false)
      expect(again).toEqual({ messages: first.messages, duplicate: true })
      expect(q.stats().pending).toBe(1)
      q.attach(worker('bob', 1))
      expect((await q.sendOnce({ from: 'a', to: 'bob', type: 't', key: 'job-1' })).duplicate).toBe(true)
      await q.ack('bob', first.messages[0]!.id)
      vi.advanceTimersByTime(59_000)
      expect((await q.sendOnce({ from: 'a', to: 'bob', type: 't', key: 'job-1' })).duplicate).toBe(true)
      vi.advanceTimersByTime(1_000)
      const later = await q.sendOnce({ from: 'a', to: 'bob', type: 't', key: 'job-1' })
      expect(later.duplicate).toBe(false)
      expect(later.messages[0]!.id).not.toBe(first.messages[0]!.id)
    })

    it('answers two sends of one key in the same tick with one stored message', async () => {
      const q = await h.open()
      const [a, b] = await Promise.all([
        q.sendOnce({ from: 'a', to: 'bob', type: 't', key: 'k' }),
        q.sendOnce({ from: 'a', to: 'bob', type: 't', key: 'k' }),
      ])
      expect(b!.messages[0]!.id).toBe(a!.messages[0]!.id)
      expect(q.stats().pending).toBe(1)
    })

    it('remembers keys across a restart, the acked ones until their window passes', async () => {
      const q = await h.open({ keyWindowMs: 60_000 })
      q.attach(worker('bob', 1))
      const acked = await q.send({ from: 'a', to: 'bob', type: 't', key: 'acked' })
      await q.ack('bob', acked[0]!.id)
      const pending = await q.send({ from: 'a', to: 'bob', type: 't', key: 'pending' })
      await q.close()
      const reopened = await h.open({ keyWindowMs: 60_000 })
      expect(await reopened.sendOnce({ from: 'a', to: 'bob', type: 't', key: 'acked' })).toEqual({ messages: acked, duplicate: true })
      expect((await reopened.sendOnce({ from: 'a', to: 'bob', type: 't', key: 'pending' })).messages[0]!.id).toBe(pending[0]!.id)
      // the acked message is kept for its key, never delivered again
      expect(reopened.list().pending.map((m) => m.id)).toEqual([pending[0]!.id])
      vi.advanceTimersByTime(60_000)
      expect((await reopened.sendOnce({ from: 'a', to: 'bob', type: 't', key: 'acked' })).duplicate).toBe(false)
    })

    it('holds the key again when its dead letter is replayed', async () => {
      const q = await h.open({ maxAttempts: 1 })
      q.attach(worker('bob', 1))
      const [m] = await q.send({ from: 'a', to: 'bob', type: 't', key: 'k' })
      await q.nack('bob', m!.id, 'boom')
      await q.replay('all')
      const again = await q.sendOnce({ from: 'a', to: 'bob', type: 't', key: 'k' })
      expect(again.duplicate).toBe(true)
      expect(again.messages[0]!.id).toBe(m!.id)
    })

    it('drops the payload of an acked keyed message it keeps for the window', async () => {
      const q = await h.open()
      q.attach(worker('bob', 1))
      const [m] = await q.send({ from: 'a', to: 'bob', type: 't', key: 'k', payload: 'x'.repeat(10_000) })
      await q.ack('bob', m!.id)
      await q.close()
      const reopened = await h.open()
      const again = await reopened.sendOnce({ from: 'a', to: 'bob', type: 't', key: 'k' })
      expect(again).toMatchObject({ duplicate: true, messages: [{ id: m!.id }] })
      if (kind.name === 'nedb') expect(again.messages[0]!.payload).toBeNull()
    })

    it('frees the key of a dead letter: sending again is how a user retries', async () => {
      const q = await h.open({ maxAttempts: 1 })
      q.attach(worker('bob', 1))
      const [m] = await q.send({ from: 'a', to: 'bob', type: 't', key: 'k' })
      await q.nack('bob', m!.id, 'boom')
      expect(q.stats().dead).toBe(1)
      expect((await q.sendOnce({ from: 'a', to: 'bob', type: 't', key: 'k' })).duplicate).toBe(false)
    })
  })

  describe('one consumer per id', () => {
    it('refills the receiving connection when a standby one closes, even if what it held went dead', async () => {
      const q = await h.open({ maxAttempts: 1 })
      const [older, newer] = [worker('bob', 1), worker('bob', 1)]
      q.attach(older)
      await q.send({ from: 'a', to: 'bob', type: 't' })
      q.attach(newer)
      const [waiting] = await q.send({ from: 'a', to: 'bob', type: 't' })
      expect(newer.received).toEqual([])
      q.detach('bob', 'disconnected', older)
      expect(q.stats().dead).toBe(1)
      expect(newer.received.map((m) => m.id)).toEqual([waiting!.id])
    })

    it('lets the newest connection receive; leases stay with the id; the older resumes when the newer leaves', async () => {
      const q = await h.open()
      const older = worker('bob', 1)
      const newer = worker('bob', 1)
      q.attach(older)
      const [m1] = await q.send({ from: 'a', to: 'bob', type: 't', payload: 1 })
      q.attach(newer)
      expect(older.events).toEqual(['replaced'])
      // m1 is still bob's: the newer connection holds the concurrency slot, acks from either count
      const [m2] = await q.send({ from: 'a', to: 'bob', type: 't', payload: 2 })
      expect(newer.received).toEqual([])
      await acked(q.ack('bob', m1!.id))
      expect(newer.received.map((m) => m.id)).toEqual([m2!.id])
      q.detach('bob', 'disconnected', newer)
      expect(older.events).toEqual(['replaced', 'resumed'])
      // m2 was pushed to the connection that left: back at once, to the one still there
      expect(older.received.map((m) => m.id)).toEqual([m1!.id, m2!.id])
      expect(older.received[1]).toMatchObject({ attempts: 1 })
    })

    it('gives back only what was pushed to a standby connection when it closes', async () => {
      const q = await h.open()
      const older = worker('bob', 2)
      const newer = worker('bob', 2)
      q.attach(older)
      const [m1] = await q.send({ from: 'a', to: 'bob', type: 't' })
      q.attach(newer)
      const [m2] = await q.send({ from: 'a', to: 'bob', type: 't' })
      q.detach('bob', 'disconnected', older)
      expect(newer.received.map((m) => m.id)).toEqual([m2!.id, m1!.id])
      expect(q.list().inFlight.map((m) => m.leasedTo)).toEqual(['bob', 'bob'])
    })

    it('lets a replaced connection take the consumer back by attaching again', async () => {
      const q = await h.open()
      const older: Recipient & { events: string[]; received: unknown[] } = worker('bob', 1)
      const newer = worker('bob', 1)
      q.attach(older)
      q.attach(newer)
      q.attach(older)
      expect(newer.events).toEqual(['replaced'])
      await q.send({ from: 'a', to: 'bob', type: 't' })
      expect(older.received).toHaveLength(1)
      expect(newer.received).toHaveLength(0)
    })

    it('drops every connection of an id when its agent dies', async () => {
      const q = await h.open()
      const [older, newer] = [worker('bob', 1), worker('bob', 1)]
      q.attach(older)
      q.attach(newer)
      const [m] = await q.send({ from: 'a', to: 'bob', type: 't' })
      q.detach('bob', 'agent exited')
      expect(q.list().pending[0]).toMatchObject({ id: m!.id, attempts: 1 })
      q.detach('bob', 'disconnected', older)
      expect(older.events).toEqual(['replaced'])
    })
  })
})
