import { afterEach, describe, expect, it, vi } from 'vitest'
import { ReloadFailedError } from '../../../src/core/errors/reload-failed-error.js'
import type { InstanceView } from '../../../src/core/supervisor/instance.js'
import { agent, harness, record } from './helpers/harness.js'

afterEach(() => {
  vi.useRealTimers()
})

/** A harness with one instance of `a` online. */
async function onlineAgent(over: Parameters<typeof agent>[1] = {}) {
  const h = harness()
  const inst = h.add(agent('a', over))
  h.sup.start(inst, 'go')
  await h.tick(1_000)
  // with a readyTimeout, only ready makes it online
  h.sup.markReady('a')
  expect(h.status('a')).toBe('online')
  const retired: number[] = []
  h.sup.on('retired', (r) => retired.push(r.pid!))
  return { ...h, inst, old: h.spawner.last('a'), retired }
}

/** Where a reload promise stands, without awaiting it. */
function track(p: Promise<void>): { state: 'pending' | 'done' | 'failed'; error?: unknown } {
  const t: { state: 'pending' | 'done' | 'failed'; error?: unknown } = { state: 'pending' }
  p.then(
    () => (t.state = 'done'),
    (error: unknown) => Object.assign(t, { state: 'failed', error }),
  )
  return t
}

describe('reload', () => {
  it('starts a new process next to the old one, and stops the old one only once the new one is online', async () => {
    const h = await onlineAgent()
    const reload = track(h.sup.reload([h.inst], 'reloaded by user'))
    await h.tick()
    expect(h.spawner.count('a')).toBe(2)
    const fresh = h.spawner.last('a')
    // both run; the instance is still the old process, online, and a new daemon would stop the new one
    expect(h.spawner.alive.has(h.old.pid)).toBe(true)
    expect(h.inst.record).toMatchObject({ status: 'online', pid: h.old.pid, retiring: { pid: fresh.pid } })
    expect(h.spawner.stops).toEqual([])
    // the new process gets its own token
    const tokens = h.spawner.spawned.map((s) => s.token)
    expect(tokens[1]).not.toBe(tokens[0])
    expect(h.inst.successor?.token).toBe(tokens[1])

    await h.tick(1_000)
    // online: it takes over, the old one is being stopped (and the reload waits for that)
    expect(h.inst.record).toMatchObject({ status: 'online', pid: fresh.pid, token: tokens[1], restarts: 1, retiring: { pid: h.old.pid } })
    expect(h.story('a').at(-1)).toBe(`online→online: reloaded: new pid ${fresh.pid} took over from pid ${h.old.pid} (up for 1s)`)
    expect(h.spawner.stops.map((s) => [s.pgid, s.signal, s.timeoutMs])).toEqual([[h.old.pid, 'SIGTERM', 5_000]])
    expect(reload.state).toBe('pending')
    await h.tick(10)
    expect(reload.state).toBe('done')
    expect(h.spawner.alive.has(h.old.pid)).toBe(false)
    expect(h.inst.record.retiring).toBeNull()
    expect(h.retired).toEqual([h.old.pid])
    // the old process's end is no exit of the instance: no restart, nothing for the queue
    expect(h.exits).toEqual([])
    await h.tick(60_000)
    expect(h.spawner.count('a')).toBe(2)
    expect(h.inst.record).toMatchObject({ status: 'online', pid: fresh.pid, restarts: 1 })
    // and the new process's own exit goes through the restart policy as usual
    fresh.exit(1)
    expect(h.status('a')).toBe('backoff')
  })

  it('a ready from the new process (its token) makes it online at once; a ready from the old one does not', async () => {
    const h = await onlineAgent()
    const reload = track(h.sup.reload([h.inst], 'reloaded by user'))
    await h.tick()
    const fresh = h.spawner.last('a')
    expect(h.sup.markReady('a', h.inst.record.token)).toBe(false)
    expect(h.inst.record.pid).toBe(h.old.pid)
    expect(h.sup.markReady('a', h.inst.successor!.token)).toBe(true)
    expect(h.inst.record.pid).toBe(fresh.pid)
    expect(h.story('a').at(-1)).toContain('(signalled ready)')
    await h.tick(10)
    expect(reload.state).toBe('done')
  })

  it('with readyTimeout, the new process must signal ready: when it does not, it is stopped and the old one keeps running', async () => {
    const h = await onlineAgent({ readyTimeoutMs: 2_000 })
    const reload = track(h.sup.reload([h.inst], 'reloaded by user'))
    await h.tick()
    const fresh = h.spawner.last('a')
    await h.tick(1_000)
    expect(h.inst.record.pid).toBe(h.old.pid)
    await h.tick(1_000 + 10)
    expect(reload.state).toBe('failed')
    expect(reload.error).toBeInstanceOf(ReloadFailedError)
    expect((reload.error as Error).message).toBe(
      `reload of a failed: its new process (pid ${fresh.pid}) was not ready after 2s (readyTimeout); its old process (pid ${h.old.pid}) keeps running (see orch logs a)`,
    )
    expect(h.spawner.stops.map((s) => s.pgid)).toEqual([fresh.pid])
    expect(h.inst.record).toMatchObject({ status: 'online', pid: h.old.pid, restarts: 0, retiring: null })
    expect(h.spawner.alive.has(h.old.pid)).toBe(true)
  })

  it('a new process that crashes at start fails the reload: the old one keeps running, nothing is counted or restarted', async () => {
    const h = await onlineAgent()
    const reload = track(h.sup.reload([h.inst], 'reloaded by user'))
    await h.tick()
    const fresh = h.spawner.last('a')
    fresh.exit(3)
    await h.tick(10)
    expect(reload.state).toBe('failed')
    expect(reload.error).toMatchObject({ code: 'E_RELOAD_FAILED', data: { agent: 'a', reloaded: [], notReloaded: [] } })
    expect((reload.error as Error).message).toContain(`its new process (pid ${fresh.pid}) exited with code 3 before it was online`)
    expect(h.story('a').at(-1)).toBe(`online→online: reload failed: its new process (pid ${fresh.pid}) exited with code 3 before it was online`)
    await h.tick(60_000)
    expect(h.spawner.count('a')).toBe(2)
    expect(h.inst.record).toMatchObject({ status: 'online', pid: h.old.pid, restarts: 0 })
    expect(h.exits).toEqual([])
  })

  it('a new process that cannot be spawned fails the reload', async () => {
    const h = await onlineAgent()
    h.spawner.failNext = new Error('spawn fake ENOENT')
    const reload = track(h.sup.reload([h.inst], 'reloaded by user'))
    await h.tick()
    expect(reload.state).toBe('failed')
    expect((reload.error as Error).message).toBe(
      `reload of a failed: its new process could not start (fake: spawn fake ENOENT); its old process (pid ${h.old.pid}) keeps running (see orch logs a)`,
    )
    expect(h.inst.record.pid).toBe(h.old.pid)
  })

  it('a pool is reloaded one instance at a time, and a failure leaves the instances after it alone', async () => {
    const h = harness()
    const pool = agent('w', { instances: 3 })
    const views: InstanceView[] = [0, 1, 2].map((n) => h.sup.upsert(record(pool, { id: `w:${n}`, index: n })))
    for (const v of views) h.sup.start(v, 'go')
    await h.tick(1_000)
    const before = views.map((v) => v.record.pid)
    const reload = track(h.sup.reload(views, 'reloaded by user'))
    await h.tick()
    // one new process at a time
    expect(h.spawner.spawned.length).toBe(4)
    await h.tick(1_000 + 10)
    expect(views[0]!.record.pid).not.toBe(before[0])
    expect(h.spawner.spawned.length).toBe(5)
    // at every step, every instance is online
    expect(views.map((v) => v.record.status)).toEqual(['online', 'online', 'online'])
    // the new process of w:1 crashes
    h.spawner.last('w:1').exit(1)
    await h.tick(10)
    expect(reload.state).toBe('failed')
    expect(reload.error).toMatchObject({ code: 'E_RELOAD_FAILED', data: { agent: 'w:1', reloaded: ['w:0'], notReloaded: ['w:2'] } })
    expect((reload.error as Error).message).toMatch(/; reloaded before it: w:0; not reloaded: w:2$/)
    expect(views.map((v) => v.record.pid).slice(1)).toEqual(before.slice(1))
    expect(views.map((v) => v.record.restarts)).toEqual([1, 0, 0])
    expect(h.spawner.spawned.length).toBe(5)
  })

  it('a stop during the reload stops the new process too and fails the reload', async () => {
    const h = await onlineAgent()
    const reload = track(h.sup.reload([h.inst], 'reloaded by user'))
    await h.tick()
    const fresh = h.spawner.last('a')
    const stopping = h.sup.stop(h.inst, 'stopped by user')
    await h.tick(10)
    await stopping
    expect(reload.state).toBe('failed')
    expect((reload.error as Error).message).toBe('reload of a failed: the instance was stopped or restarted during the reload')
    expect(h.spawner.stops.map((s) => s.pgid).sort()).toEqual([h.old.pid, fresh.pid].sort())
    expect(h.status('a')).toBe('stopped')
    await h.tick(60_000)
    expect(h.spawner.count('a')).toBe(2)
  })

  it('an old process that crashes during the reload ends it; the restart policy handles the crash as usual', async () => {
    const h = await onlineAgent()
    const reload = track(h.sup.reload([h.inst], 'reloaded by user'))
    await h.tick()
    const fresh = h.spawner.last('a')
    h.old.exit(1)
    await h.tick(10)
    expect(reload.state).toBe('failed')
    expect(h.spawner.alive.has(fresh.pid)).toBe(false)
    await h.tick(100)
    expect(h.spawner.count('a')).toBe(3)
    expect(h.status('a')).toBe('starting')
  })

  it('an instance with no process is just started, counting a restart; a second reload while one is under way is refused', async () => {
    const h = harness()
    const inst = h.add(agent('a'))
    await h.sup.reload([inst], 'reloaded by user')
    expect(h.story('a')).toEqual(['stopped→starting: reloaded by user (it was not running)'])
    expect(inst.record.restarts).toBe(1)
    await h.tick(1_000)
    const first = track(h.sup.reload([inst], 'reloaded by user'))
    await h.tick()
    await expect(h.sup.reload([inst], 'reloaded by user')).rejects.toThrow('a reload of a is already under way')
    await h.tick(1_010)
    expect(first.state).toBe('done')
  })
})

describe('reload of a re-adopted agent (not our child)', () => {
  it('stops the old process by pid once it is still the very process, and never signals a pid that is someone else now', async () => {
    for (const sameProcess of [true, false]) {
      const h = harness()
      h.spawner.adoptable(4242, 777)
      h.sup.adopt([record(agent('a'), { status: 'online', desired: 'running', pid: 4242, procStart: 777, token: 'old' })])
      const inst = h.sup.get('a')!
      const reload = track(h.sup.reload([inst], 'reloaded by user'))
      await h.tick()
      // the old pid ended and was reused by some other process meanwhile
      if (!sameProcess) h.spawner.alive.set(4242, 999)
      await h.tick(1_010)
      expect(reload.state).toBe('done')
      expect(inst.record.pid).toBe(h.spawner.last('a').pid)
      expect(h.spawner.stops.map((s) => s.pgid)).toEqual(sameProcess ? [4242] : [])
      vi.useRealTimers()
    }
  })
})

describe('a daemon that died during a reload', () => {
  it("the next one stops the reload's other process (saved as retiring) and keeps the instance's own", async () => {
    const h = harness()
    h.spawner.adoptable(4242, 777)
    h.spawner.adoptable(4343, 888)
    // the other one is found in /proc too: it is no candidate for the instance
    h.spawner.leaders.set('a', [{ pid: 4343, procStart: 888, token: 'new' }])
    h.sup.adopt([record(agent('a'), { status: 'online', desired: 'running', pid: 4242, procStart: 777, token: 'old', retiring: { pid: 4343, procStart: 888 } })])
    expect(h.spawner.stops.map((s) => s.pgid)).toEqual([4343])
    await h.tick(60_000)
    expect(h.sup.get('a')!.record).toMatchObject({ status: 'online', pid: 4242, retiring: null })
    expect(h.spawner.alive.has(4343)).toBe(false)
  })

  it('a retiring pid that is no longer the same process is never signalled', async () => {
    const h = harness()
    h.spawner.adoptable(4242, 777)
    h.spawner.adoptable(4343, 999)
    h.sup.adopt([record(agent('a'), { status: 'online', desired: 'running', pid: 4242, procStart: 777, token: 'old', retiring: { pid: 4343, procStart: 888 } })])
    expect(h.spawner.stops).toEqual([])
    expect(h.sup.get('a')!.record.retiring).toBeNull()
  })
})
