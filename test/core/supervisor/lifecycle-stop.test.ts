import { afterEach, describe, expect, it, vi } from 'vitest'
import type { StopResult } from '../../../src/core/supervisor/stop-group.js'
import { agent, harness } from './helpers/harness.js'

afterEach(() => {
  vi.useRealTimers()
})

describe('stop', () => {
  it('signals the group, waits until it is empty, then records stopped and reports the exit', async () => {
    const h = harness()
    const inst = h.add(agent('a'))
    h.sup.start(inst, 'go')
    await h.tick(1_000)
    const pid = h.spawner.last('a').pid
    let done = false
    const stopping = h.sup.stop(inst, 'stopped by user').then(() => (done = true))
    expect(h.status('a')).toBe('stopping')
    expect(inst.record.desired).toBe('stopped')
    await h.tick(9)
    expect(done).toBe(false)
    await h.tick(1)
    await stopping
    expect(h.story('a').slice(-2)).toEqual(['online→stopping: stopped by user', 'stopping→stopped: stopped by user'])
    expect(inst.record).toMatchObject({ pid: null, token: null })
    expect(h.exits).toEqual([{ id: 'a', pid }])
    // the exit the process reports meanwhile belongs to the stop: no restart
    await h.tick(60_000)
    expect(h.spawner.count('a')).toBe(1)
  })

  it('says when SIGKILL was needed', async () => {
    const h = harness()
    const inst = h.add(agent('a', { killTimeoutMs: 3_000 }))
    h.sup.start(inst, 'go')
    await h.tick()
    h.spawner.ignoresSignal.add(h.spawner.last('a').pid)
    const stopping = h.sup.stop(inst, 'stopped by user')
    await h.tick(3_000)
    await stopping
    expect(h.story('a').at(-1)).toBe('stopping→stopped: stopped by user; SIGKILL after 3s (SIGTERM ignored)')
  })

  it('is errored, never stopped, when something of the group survives SIGKILL or may not be signalled', async () => {
    const cases: Array<[Partial<StopResult>, string]> = [
      [{ survivors: [7, 8] }, 'processes 7, 8 of the group survived SIGKILL'],
      [{ denied: true }, 'permission denied'],
    ]
    for (const [outcome, reason] of cases) {
      const h = harness()
      const inst = h.add(agent('a'))
      h.sup.start(inst, 'go')
      await h.tick()
      h.spawner.stopOutcome = outcome
      const stopping = h.sup.stop(inst, 'stopped by user')
      await h.tick(10)
      await stopping
      expect(h.status('a')).toBe('errored')
      expect(h.story('a').at(-1)).toContain(reason)
      vi.useRealTimers()
    }
  })

  it('stop during start: the start grace of the stopped attempt never makes it online', async () => {
    const h = harness()
    const inst = h.add(agent('a'))
    h.sup.start(inst, 'go')
    await h.tick(500)
    expect(h.status('a')).toBe('starting')
    const stopping = h.sup.stop(inst, 'stopped by user')
    await h.tick(10)
    await stopping
    await h.tick(5_000)
    expect(h.story('a')).toEqual(['stopped→starting: go', 'starting→stopping: stopped by user', 'stopping→stopped: stopped by user'])
  })

  it('stop while the spawn is under way: stopped at once, and the process that comes is stopped too', async () => {
    const h = harness()
    const inst = h.add(agent('a'))
    h.spawner.holdSpawns = true
    h.sup.start(inst, 'go')
    await h.sup.stop(inst, 'stopped by user')
    expect(h.status('a')).toBe('stopped')
    h.spawner.releaseSpawns()
    await h.tick(10)
    const late = h.spawner.last('a')
    expect(h.spawner.stops.map((s) => s.pgid)).toEqual([late.pid])
    expect(late.ended).toBe(true)
    expect(inst.record.pid).toBeNull()
    expect(h.status('a')).toBe('stopped')
  })

  it('stop during backoff cancels the pending restart', async () => {
    const h = harness()
    const inst = h.add(agent('a'))
    h.sup.start(inst, 'go')
    await h.tick()
    h.spawner.last('a').exit(1)
    await h.sup.stop(inst, 'stopped by user')
    expect(h.story('a').at(-1)).toBe('backoff→stopped: stopped by user')
    await h.tick(60_000)
    expect(h.spawner.count('a')).toBe(1)
  })

  it('a second stop waits for the first', async () => {
    const h = harness()
    const inst = h.add(agent('a'))
    h.sup.start(inst, 'go')
    await h.tick()
    const first = h.sup.stop(inst, 'one')
    let secondDone = false
    const second = h.sup.stop(inst, 'two').then(() => (secondDone = true))
    await h.tick(5)
    expect(secondDone).toBe(false)
    await h.tick(5)
    await Promise.all([first, second])
    expect(h.spawner.stops).toHaveLength(1)
    expect(h.story('a').at(-1)).toBe('stopping→stopped: one')
  })
})

describe('start during stop', () => {
  it('starts again once the stop is over', async () => {
    const h = harness()
    const inst = h.add(agent('a', { killTimeoutMs: 2_000 }))
    h.sup.start(inst, 'go')
    await h.tick(1_000)
    h.spawner.ignoresSignal.add(h.spawner.last('a').pid)
    const stopping = h.sup.stop(inst, 'stopped by user')
    expect(h.sup.start(inst, 'started by user')).toBe(true)
    expect(h.status('a')).toBe('stopping')
    await h.tick(2_000)
    await stopping
    expect(h.story('a').slice(-2)).toEqual([
      'stopping→stopped: stopped by user; SIGKILL after 2s (SIGTERM ignored)',
      'stopped→starting: started by user',
    ])
    expect(h.spawner.count('a')).toBe(2)
  })

  it('but not when it was stopped for good meanwhile', async () => {
    const h = harness()
    const inst = h.add(agent('a'))
    h.sup.start(inst, 'go')
    await h.tick()
    // a file change restarts it (keeping desired), a user start lands, then a user stop
    const restart = h.sup.stop(inst, 'file changed', true)
    h.sup.start(inst, 'started by user')
    const stop = h.sup.stop(inst, 'stopped by user')
    await h.tick(10)
    await Promise.all([restart, stop])
    await h.tick(100)
    expect(h.status('a')).toBe('stopped')
    expect(h.spawner.count('a')).toBe(1)
  })
})

describe('restart and delete', () => {
  it('restart stops, counts a restart and starts with a fresh budget', async () => {
    const h = harness()
    const inst = h.add(agent('a'))
    h.sup.start(inst, 'go')
    await h.tick()
    h.spawner.last('a').exit(1)
    await h.tick(100)
    const restarting = h.sup.restart([inst], 'restart requested by user', 'restarted by user')
    await h.tick(10)
    await restarting
    expect(inst.record.restarts).toBe(2)
    expect(inst.record.history).toEqual({ restarts: [], consecutive: 0 })
    expect(h.story('a').at(-1)).toBe('stopped→starting: restarted by user')
  })

  it('delete stops it and forgets it; a later start is refused', async () => {
    const h = harness()
    const inst = h.add(agent('a'))
    h.sup.start(inst, 'go')
    await h.tick()
    const removing = h.sup.remove(inst)
    await h.tick(10)
    await removing
    expect(h.sup.get('a')).toBeUndefined()
    expect(h.store.get('a')).toBeUndefined()
    expect(h.sup.start(inst, 'late')).toBe(false)
  })
})
