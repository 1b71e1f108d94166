import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Message } from '../../../src/core/queue/message.js'
import type { QueueStore } from '../../../src/core/queue/store.js'
import { STORE_KINDS, type StoreHome } from './helpers.js'

let seq = 0
function message(overrides: Partial<Message> = {}): Message {
  seq += 1
  return {
    id: `m-${seq}-${Math.random().toString(36).slice(2)}`,
    from: 'alice',
    to: 'bob',
    type: 'task',
    priority: 0,
    payload: { n: seq, 'dotted.key': true, $dollar: ['x'] },
    hops: 0,
    attempts: 0,
    createdAt: 1_000 + seq,
    seq,
    ...overrides,
  }
}

const byId = (a: { id: string }, b: { id: string }) => a.id.localeCompare(b.id)

describe.each(STORE_KINDS)('QueueStore conformance: $name', (kind) => {
  let home: StoreHome
  let store: QueueStore

  beforeEach(async () => {
    home = await kind.createHome()
    store = home.open()
    await store.load()
  })

  afterEach(async () => {
    await store.close()
    await home.cleanup()
  })

  async function reopen(): Promise<{ messages: Message[]; subscriptions: unknown[] }> {
    await store.close()
    store = home.open()
    return store.load()
  }

  it('starts empty', async () => {
    expect(await store.load()).toEqual({ messages: [], subscriptions: [] })
  })

  it('round-trips every field, including payload keys NeDB would refuse', async () => {
    const full = message({
      topic: 'news',
      correlationId: 'c-1',
      replyTo: 'alice',
      notBefore: 5,
      expiresAt: 9,
      lastError: 'boom',
      payload: { 'a.b': { $c: [1, 'two', null] } },
    })
    const bare = message({ payload: null })
    await store.insert([full, bare])
    const { messages } = await reopen()
    expect(messages.sort(byId)).toEqual([full, bare].sort(byId))
  })

  it('keeps its own copy: changing an inserted object changes nothing stored', async () => {
    const m = message()
    await store.insert([m])
    m.attempts = 99
    const { messages } = await reopen()
    expect(messages[0]!.attempts).toBe(0)
  })

  it('update replaces the delivery state by id and drops cleared fields', async () => {
    const m = message({ expiresAt: 50 })
    const other = message()
    await store.insert([m, other])
    await store.update([{ ...m, attempts: 3, lastError: 'nope', deadAt: 77 }])
    let { messages } = await reopen()
    expect(messages.find((x) => x.id === m.id)).toEqual({ ...m, attempts: 3, lastError: 'nope', deadAt: 77 })
    expect(messages.find((x) => x.id === other.id)).toEqual(other)

    const cleared: Message = { ...m, attempts: 0 }
    delete cleared.expiresAt
    await store.update([cleared])
    ;({ messages } = await reopen())
    expect(messages.find((x) => x.id === m.id)).toEqual(cleared)
  })

  it('update ignores unknown ids', async () => {
    await store.update([message()])
    expect((await reopen()).messages).toEqual([])
  })

  it('removes by id', async () => {
    const [a, b, c] = [message(), message(), message()]
    await store.insert([a!, b!, c!])
    await store.remove([a!.id, c!.id, 'no-such-id'])
    expect((await reopen()).messages).toEqual([b])
  })

  it('saves and removes subscriptions, idempotently', async () => {
    await store.saveSubscription({ topic: 'news', subscriber: 'alice' })
    await store.saveSubscription({ topic: 'news', subscriber: 'alice' })
    await store.saveSubscription({ topic: 'news', subscriber: 'worker:1' })
    await store.saveSubscription({ topic: 'sport', subscriber: 'alice' })
    await store.removeSubscription({ topic: 'sport', subscriber: 'alice' })
    const { subscriptions, messages } = await reopen()
    expect(messages).toEqual([])
    expect(subscriptions).toHaveLength(2)
    expect(subscriptions).toEqual(
      expect.arrayContaining([
        { topic: 'news', subscriber: 'alice' },
        { topic: 'news', subscriber: 'worker:1' },
      ]),
    )
  })

  it('makes many concurrent inserts, updates and removes durable', async () => {
    const messages = Array.from({ length: 2_000 }, () => message())
    await Promise.all(messages.map((m) => store.insert([m])))
    const updated = messages.slice(0, 500)
    const removed = messages.slice(500, 1_000)
    await Promise.all([
      ...updated.map((m) => store.update([{ ...m, attempts: 1, lastError: `e${m.seq % 3}` }])),
      ...removed.map((m) => store.remove([m.id])),
    ])
    const loaded = (await reopen()).messages
    expect(loaded).toHaveLength(1_500)
    const byIdMap = new Map(loaded.map((m) => [m.id, m]))
    for (const m of updated) expect(byIdMap.get(m.id)).toEqual({ ...m, attempts: 1, lastError: `e${m.seq % 3}` })
    for (const m of removed) expect(byIdMap.has(m.id)).toBe(false)
    for (const m of messages.slice(1_000)) expect(byIdMap.get(m.id)).toEqual(m)
  })

  it('writes a big batch in one call', async () => {
    const batch = Array.from({ length: 10_000 }, (_, i) => message({ priority: i % 7 }))
    await store.insert(batch)
    await store.remove(batch.slice(0, 5_000).map((m) => m.id))
    const loaded = (await reopen()).messages
    expect(loaded).toHaveLength(5_000)
    expect(loaded.sort(byId)).toEqual(batch.slice(5_000).sort(byId))
  })

  it('compacts without losing anything', async () => {
    const batch = Array.from({ length: 100 }, () => message())
    await store.insert(batch)
    await store.remove(batch.slice(0, 50).map((m) => m.id))
    await store.compact()
    expect((await reopen()).messages.sort(byId)).toEqual(batch.slice(50).sort(byId))
  })

  it('refuses writes once closed', async () => {
    await store.close()
    await expect(store.insert([message()])).rejects.toMatchObject({ code: 'E_QUEUE_CLOSED' })
    store = home.open()
  })
})
