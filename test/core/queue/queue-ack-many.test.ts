import { afterEach, describe, expect, it } from 'vitest'
import { MemoryQueueStore } from '../../../src/core/queue/memory-store.js'
import { MessageQueue } from '../../../src/core/queue/queue.js'
import { DEFAULT_AGENTS, QueueHarness, recipient, STORE_KINDS, type TestRecipient } from './helpers.js'

/** An instance of `worker` that takes `maxInFlight` at once. */
function worker(id: string, maxInFlight: number): TestRecipient {
  return Object.assign(recipient(id, 'worker'), { maxInFlight })
}

/** Sends `n` messages to `worker`, leased at once to worker:0 (attached first): their ids. */
async function leasedToWorker(queue: MessageQueue, n: number): Promise<string[]> {
  const w = worker('worker:0', n)
  queue.attach(w)
  for (let i = 0; i < n; i++) await queue.send({ from: 'alice', to: 'worker', type: 't', payload: i })
  return w.received.map((m) => m.id)
}

const codes = (failed: Array<{ id: string; error: Error }>) => failed.map((f) => [f.id, (f.error as { code?: string }).code])

/** The memory store whose removals fail (a full disk), counting the writes it is given. */
class CountingStore extends MemoryQueueStore {
  removals: string[][] = []
  failRemovals: Error | null = null

  override remove(ids: string[]): Promise<void> {
    this.removals.push([...ids])
    return this.failRemovals ? Promise.reject(this.failRemovals) : super.remove(ids)
  }
}

async function open(): Promise<{ queue: MessageQueue; store: CountingStore }> {
  const store = new CountingStore()
  const queue = await MessageQueue.open({ compactEveryMs: 0, store })
  queue.setAgents(new Map(Object.entries(DEFAULT_AGENTS)))
  return { queue, store }
}

describe('ackMany: the acks of one frame', () => {
  const queues: MessageQueue[] = []
  afterEach(async () => {
    for (const q of queues.splice(0)) await q.close()
  })
  async function opened(): Promise<{ queue: MessageQueue; store: CountingStore }> {
    const o = await open()
    queues.push(o.queue)
    return o
  }

  it('removes them in one write; an id not leased to the recipient fails alone, in the order given', async () => {
    const { queue, store } = await opened()
    const ids = await leasedToWorker(queue, 3)
    expect(ids).toHaveLength(3)
    const failed = await queue.ackMany('worker:0', ['nope', ids[0]!, ids[1]!, ids[2]!, ids[0]!])
    expect(codes(failed)).toEqual([
      ['nope', 'E_NOT_LEASED'],
      [ids[0], 'E_NOT_LEASED'],
    ])
    expect(store.removals).toEqual([ids])
    expect(queue.stats()).toEqual({ pending: 0, inFlight: 0, dead: 0 })
  })

  it('a failed write fails every id it carried, with its error; the acks are not undone (redelivered after a restart, at least once)', async () => {
    const { queue, store } = await opened()
    const ids = await leasedToWorker(queue, 2)
    store.failRemovals = Object.assign(new Error('disk full'), { code: 'E_STORE_FULL' })
    expect(codes(await queue.ackMany('worker:0', ids))).toEqual(ids.map((id) => [id, 'E_STORE_FULL']))
  })
})

describe.each(STORE_KINDS)('ackMany on the $name store', (kind) => {
  let h: QueueHarness
  afterEach(async () => h.cleanup())

  it('what it acked stays acked after a restart; what it refused is redelivered', async () => {
    h = await QueueHarness.create(kind)
    const q1 = await h.open()
    const [a, b, c] = await leasedToWorker(q1, 3)
    expect(await q1.ackMany('worker:0', [a!, c!])).toEqual([])
    await q1.close()
    const q2 = await h.open()
    const again = worker('worker:0', 3)
    q2.attach(again)
    expect(again.received.map((m) => m.id)).toEqual([b])
  })
})
