import { afterEach, describe, expect, it, vi } from 'vitest'
import { agent, harness } from './helpers/harness.js'

afterEach(() => {
  vi.useRealTimers()
})

describe('start', () => {
  it('spawns, records starting with the pid, and counts as online after the start grace', async () => {
    const h = harness()
    const inst = h.add(agent('a'))
    expect(h.sup.start(inst, 'started by user')).toBe(true)
    expect(inst.record.desired).toBe('running')
    await h.tick()
    expect(h.status('a')).toBe('starting')
    expect(inst.record.pid).toBe(h.spawner.last('a').pid)
    expect(inst.record.token).toBeTruthy()
    await h.tick(999)
    expect(h.status('a')).toBe('starting')
    await h.tick(1)
    expect(h.story('a')).toEqual(['stopped→starting: started by user', 'starting→online: up for 1s'])
    // saved as it is now
    expect(h.store.get('a')?.status).toBe('online')
  })

  it('a second start while it runs, or while its spawn is under way, changes nothing', async () => {
    const h = harness()
    const inst = h.add(agent('a'))
    h.spawner.holdSpawns = true
    h.sup.start(inst, 'first')
    expect(h.sup.start(inst, 'second')).toBe(false)
    h.spawner.releaseSpawns()
    await h.tick()
    expect(h.sup.start(inst, 'third')).toBe(false)
    expect(h.spawner.count('a')).toBe(1)
  })

  it('gives every spawn a new token', async () => {
    const h = harness()
    const inst = h.add(agent('a'))
    h.sup.start(inst, 'go')
    await h.tick()
    h.spawner.last('a').exit(1)
    await h.tick(100)
    const tokens = h.spawner.spawned.map((s) => s.token)
    expect(tokens).toHaveLength(2)
    expect(tokens[0]).not.toBe(tokens[1])
  })
})

describe('ready', () => {
  it('online as soon as the SDK says ready, before the grace', async () => {
    const h = harness()
    const inst = h.add(agent('a', { startGraceMs: 60_000 }))
    h.sup.start(inst, 'go')
    await h.tick()
    expect(h.sup.markReady('a')).toBe(true)
    expect(h.status('a')).toBe('online')
    // the grace timer of that attempt finds nothing left to do
    await h.tick(60_000)
    expect(h.story('a')).toEqual(['stopped→starting: go', 'starting→online: signalled ready'])
  })

  it('a ready from an instance that is not starting is ignored', async () => {
    const h = harness()
    h.add(agent('a'))
    expect(h.sup.markReady('a')).toBe(false)
    expect(h.sup.markReady('nobody')).toBe(false)
    expect(h.transitions).toEqual([])
  })

  it('with readyTimeout and no ready, it is killed and restarted by the policy', async () => {
    const h = harness()
    const inst = h.add(agent('a', { readyTimeoutMs: 2_000 }))
    h.sup.start(inst, 'go')
    await h.tick()
    const first = h.spawner.last('a')
    // no online after the start grace: with readyTimeout only ready counts
    await h.tick(1_999)
    expect(h.status('a')).toBe('starting')
    await h.tick(1)
    expect(h.spawner.stops).toEqual([{ pgid: first.pid, signal: 'SIGTERM', timeoutMs: 5_000 }])
    await h.tick(10)
    expect(h.status('a')).toBe('backoff')
    expect(h.story('a').at(-1)).toBe('starting→backoff: not ready after 2s (readyTimeout); restart 1/3 in 100ms')
  })
})

describe('spawn failure', () => {
  it('records starting, then goes through the restart policy with the cause', async () => {
    const h = harness()
    const inst = h.add(agent('a'))
    h.spawner.failNext = new Error('spawn fake ENOENT')
    h.sup.start(inst, 'go')
    await h.tick()
    expect(h.story('a')).toEqual([
      'stopped→starting: go',
      'starting→backoff: cannot start fake: spawn fake ENOENT; restart 1/3 in 100ms',
    ])
    expect(inst.record.pid).toBeNull()
    await h.tick(100)
    expect(h.status('a')).toBe('starting')
    expect(h.spawner.count('a')).toBe(1)
  })
})
