import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { QueueHarness, recipient, STORE_KINDS } from './helpers.js'

describe.each(STORE_KINDS)('MessageQueue.removeInstance (scale down): $name store', (kind) => {
  let h: QueueHarness
  beforeEach(async () => {
    h = await QueueHarness.create(kind)
  })
  afterEach(async () => {
    await h.cleanup()
  })

  it('drops its subscriptions, dead-letters what waits for it, gives back what it held, refuses new sends', async () => {
    const q = await h.open({}, { worker: 3 })
    for (const id of ['worker:0', 'worker:2']) await q.subscribe(id, 'news')
    const w2 = recipient('worker:2', 'worker')
    q.attach(w2)
    const [forName] = await q.send({ from: 'a', to: 'worker', type: 'job' })
    const [direct] = await q.send({ from: 'a', to: 'worker:2', type: 'job' })
    const [delayed] = await q.send({ from: 'a', to: 'worker:2', type: 'later', delayMs: 60_000 })
    expect(w2.received.map((m) => m.id)).toEqual([forName!.id, direct!.id])

    q.setAgents(new Map([['worker', 2]]))
    q.removeInstance('worker:2', 'instance worker:2 was removed (instances 3 → 2)')

    expect(q.dead().map((m) => [m.id, m.lastError])).toEqual([
      [direct!.id, 'instance worker:2 was removed (instances 3 → 2)'],
      [delayed!.id, 'instance worker:2 was removed (instances 3 → 2)'],
    ])
    // for the agent name: back to pending, for the remaining instances
    expect(q.list('worker').pending.map((m) => [m.id, m.attempts])).toEqual([[forName!.id, 1]])
    expect((await q.send({ from: 'a', to: 'topic:news', type: 'n' })).map((m) => m.to)).toEqual(['worker:0'])
    await expect(q.send({ from: 'a', to: 'worker:2', type: 'job' })).rejects.toMatchObject({ code: 'E_UNKNOWN_RECIPIENT' })

    await q.close()
    const reopened = await h.open({}, { worker: 2 })
    expect((await reopened.send({ from: 'a', to: 'topic:news', type: 'n' })).map((m) => m.to)).toEqual(['worker:0'])
    expect(reopened.dead().map((m) => m.id).sort()).toEqual([direct!.id, delayed!.id].sort())
  })

  it('keeps what is addressed to an id still served: worker:0 is the instance of a worker run as one', async () => {
    const q = await h.open({}, { worker: 2 })
    await q.subscribe('worker:0', 'news')
    const [m] = await q.send({ from: 'a', to: 'worker:0', type: 'job' })
    q.setAgents(new Map([['worker', 1]]))
    q.removeInstance('worker:0', 'instance worker:0 was removed (instances 2 → 1)')
    expect(q.dead()).toEqual([])
    expect(await q.send({ from: 'a', to: 'topic:news', type: 'n' })).toEqual([])
    const single = recipient('worker', 'worker')
    q.attach(single)
    expect(single.received.map((x) => x.id)).toEqual([m!.id])
  })
})
