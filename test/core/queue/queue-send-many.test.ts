import { afterEach, describe, expect, it } from 'vitest'
import type { Message } from '../../../src/core/queue/message.js'
import { MemoryQueueStore } from '../../../src/core/queue/memory-store.js'
import { MessageQueue, type SendOutcome } from '../../../src/core/queue/queue.js'
import { DEFAULT_AGENTS, recipient } from './helpers.js'

/** The memory store, counting the inserts it is given; `failInserts` makes them fail (a full disk). */
class CountingStore extends MemoryQueueStore {
  inserts: string[][] = []
  failInserts: Error | null = null

  override insert(messages: Message[]): Promise<void> {
    this.inserts.push(messages.map((m) => m.type))
    return this.failInserts ? Promise.reject(this.failInserts) : super.insert(messages)
  }
}

const send = (type: string, over: Record<string, unknown> = {}) => ({ from: 'alice', to: 'bob', type, payload: { type }, ...over })
const code = (o: SendOutcome | Error) => (o instanceof Error ? (o as { code?: string }).code : o.messages.map((m) => m.type))

describe('sendCheckedMany: the sends of one frame', () => {
  const queues: MessageQueue[] = []
  afterEach(async () => {
    for (const q of queues.splice(0)) await q.close()
  })
  async function opened(): Promise<{ queue: MessageQueue; store: CountingStore }> {
    const store = new CountingStore()
    const queue = await MessageQueue.open({ compactEveryMs: 0, store })
    queue.setAgents(new Map(Object.entries(DEFAULT_AGENTS)))
    queues.push(queue)
    return { queue, store }
  }

  it('stores the good ones in one insert, in order, and answers a bad one with its error alone', async () => {
    const { queue, store } = await opened()
    const outcomes = await queue.sendCheckedMany([send('a'), send('b', { to: 'nobody' }), send('c', { hops: 1_000 }), send('d'), send('e', { to: 'topic:none' })])
    expect(outcomes.map(code)).toEqual([['a'], 'E_UNKNOWN_RECIPIENT', 'E_INVALID_MESSAGE', ['d'], []])
    expect(store.inserts).toEqual([['a', 'd']])
    const bob = recipient('bob')
    queue.attach(bob)
    expect(bob.received.map((m) => m.type)).toEqual(['a', 'd'])
    expect(bob.received.map((m) => m.seq)).toEqual([...bob.received.map((m) => m.seq)].sort((x, y) => x - y))
  })

  it('a failed write fails every send it carried, and nothing of them is delivered', async () => {
    const { queue, store } = await opened()
    store.failInserts = Object.assign(new Error('disk full: not stored'), { code: 'E_STORE_FULL' })
    const outcomes = await queue.sendCheckedMany([send('a'), send('b', { to: 'nobody' }), send('c')])
    expect(outcomes.map(code)).toEqual(['E_STORE_FULL', 'E_UNKNOWN_RECIPIENT', 'E_STORE_FULL'])
    const bob = recipient('bob')
    queue.attach(bob)
    expect(bob.received).toEqual([])
    expect(queue.stats()).toEqual({ pending: 0, inFlight: 0, dead: 0 })
  })

  it('a frame with a keyed send goes one by one: a key sent twice in the frame is stored once', async () => {
    const { queue, store } = await opened()
    const outcomes = await queue.sendCheckedMany([send('a', { key: 'k' }), send('b', { key: 'k' }), send('c')])
    expect(outcomes.map((o) => (o instanceof Error ? o : o.duplicate))).toEqual([false, true, false])
    const [first, second] = outcomes as SendOutcome[]
    expect(second!.messages.map((m) => m.id)).toEqual(first!.messages.map((m) => m.id))
    expect(store.inserts).toEqual([['a'], ['c']])
  })
})
