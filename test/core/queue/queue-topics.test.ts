import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { QueueHarness, recipient, STORE_KINDS } from './helpers.js'

describe.each(STORE_KINDS)('MessageQueue topics: $name store', (kind) => {
  let h: QueueHarness
  beforeEach(async () => {
    h = await QueueHarness.create(kind)
  })
  afterEach(async () => {
    await h.cleanup()
  })

  it('resolves to no messages when nobody subscribes', async () => {
    const q = await h.open()
    expect(await q.send({ from: 'a', to: 'topic:news', type: 't' })).toEqual([])
    expect(q.stats()).toEqual({ pending: 0, inFlight: 0, dead: 0 })
  })

  it('fans out one copy per subscriber instance at send time', async () => {
    const q = await h.open()
    await q.subscribe('alice', 'news')
    await q.subscribe('worker:1', 'topic:news')
    await q.subscribe('worker:1', 'news')
    await q.subscribe('bob', 'sport')
    const alice = recipient('alice')
    const w2 = recipient('worker:1', 'worker')
    const w1 = recipient('worker:0', 'worker')
    for (const r of [alice, w1, w2]) q.attach(r)
    const copies = await q.send({ from: 'bob', to: 'topic:news', type: 'headline', payload: { t: 'hi' } })
    expect(copies.map((m) => m.to).sort()).toEqual(['alice', 'worker:1'])
    expect(new Set(copies.map((m) => m.id)).size).toBe(2)
    for (const m of copies) expect(m).toMatchObject({ topic: 'news', type: 'headline', payload: { t: 'hi' } })
    expect(alice.received).toHaveLength(1)
    expect(w2.received).toHaveLength(1)
    expect(w1.received).toHaveLength(0)
    // a subscriber joining later does not get earlier messages
    await q.subscribe('worker:0', 'news')
    expect(w1.received).toHaveLength(0)
  })

  it('keeps subscriptions and a down subscriber’s copy across a restart', async () => {
    const q = await h.open()
    await q.subscribe('alice', 'news')
    await q.subscribe('bob', 'news')
    await q.unsubscribe('bob', 'news')
    await q.close()
    const reopened = await h.open()
    const [copy] = await reopened.send({ from: 'x', to: 'topic:news', type: 't' })
    expect(copy!.to).toBe('alice')
    await reopened.close()
    const third = await h.open()
    const alice = recipient('alice')
    third.attach(alice)
    expect(alice.received.map((m) => m.id)).toEqual([copy!.id])
  })

  it('refuses an empty topic or subscriber', async () => {
    const q = await h.open()
    await expect(q.subscribe('alice', 'topic:')).rejects.toMatchObject({ code: 'E_INVALID_MESSAGE' })
    await expect(q.subscribe('', 'news')).rejects.toMatchObject({ code: 'E_INVALID_MESSAGE' })
    await expect(q.send({ from: 'a', to: 'topic:', type: 't' })).rejects.toThrow(/topic name is empty in "topic:"/)
  })

  it('takes 1 to 256 characters of A-Z a-z 0-9 . _ - : / as a topic name, and refuses anything else alike', async () => {
    const q = await h.open()
    for (const name of ['   ', ' news', 'news\n', 'a b', 'a*', 'a>', 'ü', 'x'.repeat(257)]) {
      await expect(q.subscribe('alice', name), JSON.stringify(name)).rejects.toMatchObject({ code: 'E_INVALID_MESSAGE', field: 'topic' })
      await expect(q.unsubscribe('alice', `topic:${name}`), JSON.stringify(name)).rejects.toMatchObject({ code: 'E_INVALID_MESSAGE' })
      await expect(q.send({ from: 'a', to: `topic:${name}`, type: 't' }), JSON.stringify(name)).rejects.toMatchObject({ code: 'E_INVALID_MESSAGE', field: 'to' })
    }
    for (const name of ['team/eu:alerts', 'build.done_1-x', 'x'.repeat(256)]) {
      await q.subscribe('alice', name)
      expect(await q.send({ from: 'a', to: `topic:${name}`, type: 't' }), name).toHaveLength(1)
    }
  })
})
