import { afterEach, describe, expect, it, vi } from 'vitest'
import { agent, harness } from './helpers/harness.js'

afterEach(() => {
  vi.useRealTimers()
})

async function online(h: ReturnType<typeof harness>, id: string) {
  await h.tick(1_000)
  expect(h.status(id)).toBe('online')
}

describe('exit and backoff', () => {
  it('a crash goes to backoff, counts a restart, cleans the group, and spawns again after the delay', async () => {
    const h = harness()
    const inst = h.add(agent('a'))
    h.sup.start(inst, 'go')
    await online(h, 'a')
    const first = h.spawner.last('a')
    first.exit(1)
    expect(h.status('a')).toBe('backoff')
    expect(inst.record).toMatchObject({ pid: null, procStart: null, token: null, restarts: 1 })
    expect(h.spawner.leftoversKilled).toEqual([first.pid])
    expect(h.exits).toEqual([{ id: 'a', pid: first.pid }])
    await h.tick(99)
    expect(h.spawner.count('a')).toBe(1)
    await h.tick(1)
    expect(h.spawner.count('a')).toBe(2)
    expect(h.story('a').slice(-2)).toEqual([
      'online→backoff: exited with code 1; restart 1/3 in 100ms',
      'backoff→starting: restart after exited with code 1',
    ])
  })

  it('backs off exponentially', async () => {
    const h = harness()
    const inst = h.add(agent('a', { maxRestarts: 10 }))
    h.sup.start(inst, 'go')
    await h.tick()
    const delays: string[] = []
    for (const ms of [100, 200, 400]) {
      h.spawner.last('a').exit(1)
      delays.push(h.story('a').at(-1)!)
      await h.tick(ms)
    }
    expect(delays.map((d) => d.replace(/.* in /, ''))).toEqual(['100ms', '200ms', '400ms'])
  })

  it('past the budget (maxRestarts in restartWindow) it is errored and spawns nothing more', async () => {
    const h = harness()
    const inst = h.add(agent('a'))
    h.sup.start(inst, 'go')
    await h.tick()
    for (const ms of [100, 200, 400]) {
      h.spawner.last('a').exit(1)
      await h.tick(ms)
    }
    h.spawner.last('a').exit(1)
    expect(h.status('a')).toBe('errored')
    expect(h.story('a').at(-1)).toBe('starting→errored: exited with code 1; 4 exits in 1m, limit 3 restarts in 1m')
    await h.tick(10 * 60_000)
    expect(h.spawner.count('a')).toBe(4)
    // a manual start begins a fresh budget
    expect(h.sup.start(inst, 'started by user')).toBe(true)
    await h.tick()
    expect(h.status('a')).toBe('starting')
    expect(inst.record.history.restarts).toEqual([])
  })

  it('a clean exit with autorestart off stops it, and it is no longer asked to run', async () => {
    const h = harness()
    const inst = h.add(agent('a', { autorestart: false }))
    h.sup.start(inst, 'go')
    await h.tick()
    h.spawner.last('a').exit(0)
    expect(h.status('a')).toBe('stopped')
    expect(inst.record.desired).toBe('stopped')
    expect(h.story('a').at(-1)).toBe('starting→stopped: exited with code 0; autorestart is off')
  })

  it('an exit of an older process (a void attempt) is ignored', async () => {
    const h = harness()
    const inst = h.add(agent('a'))
    h.sup.start(inst, 'go')
    await h.tick()
    const first = h.spawner.last('a')
    first.exit(1)
    await h.tick(100)
    const before = h.transitions.length
    // the first process's watcher was for attempt 1: a late second exit report changes nothing
    first.ended = false
    first.exit(1)
    expect(h.transitions.length).toBe(before)
    expect(h.status('a')).toBe('starting')
  })
})

describe('memory', () => {
  it('the monitor only reports samples; two over maxMemory in a row restart the agent', async () => {
    const h = harness()
    const MB = 1024 * 1024
    const inst = h.add(agent('a', { maxMemoryBytes: 100 * MB }))
    h.sup.start(inst, 'go')
    await online(h, 'a')
    h.sup.reportUsage('a', { at: Date.now(), cpu: 1, memory: 150 * MB })
    h.sup.reportUsage('a', { at: Date.now(), cpu: 1, memory: 50 * MB })
    h.sup.reportUsage('a', { at: Date.now(), cpu: 1, memory: 150 * MB })
    expect(h.spawner.stops).toEqual([])
    h.sup.reportUsage('a', { at: Date.now(), cpu: 1, memory: 150 * MB })
    expect(h.spawner.stops).toHaveLength(1)
    expect(inst.usage).toHaveLength(4)
    await h.tick(10)
    expect(h.story('a').at(-1)).toBe('online→backoff: memory 150.0 MiB over limit 100.0 MiB; restart 1/3 in 100ms')
  })
})
