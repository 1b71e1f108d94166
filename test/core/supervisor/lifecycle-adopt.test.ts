import { afterEach, describe, expect, it, vi } from 'vitest'
import { agent, harness, record } from './helpers/harness.js'

afterEach(() => {
  vi.useRealTimers()
})

const PID = 4242
const START = 777

describe('adoption by a new daemon', () => {
  it('a live agent (same pid, same start time) is adopted as it was, without a spawn', async () => {
    const h = harness()
    h.spawner.adoptable(PID, START)
    const a = agent('a')
    h.sup.adopt([record(a, { status: 'online', desired: 'running', pid: PID, procStart: START, token: 'secret' })])
    await h.tick(60_000)
    expect(h.status('a')).toBe('online')
    expect(h.sup.get('a')?.record.pid).toBe(PID)
    expect(h.spawner.count('a')).toBe(0)
    expect(h.story('a')).toEqual([`online→online: re-adopted pid ${PID} by daemon ${process.pid}`])
  })

  it('a live agent that was starting gets its start grace again', async () => {
    const h = harness()
    h.spawner.adoptable(PID, START)
    h.sup.adopt([record(agent('a'), { status: 'starting', desired: 'running', pid: PID, procStart: START, token: 'secret' })])
    await h.tick(1_000)
    expect(h.story('a').at(-1)).toBe('starting→online: up for 1s')
  })

  it('a live agent without a token (an older orch) is restarted so that it can connect', async () => {
    const h = harness()
    h.spawner.adoptable(PID, START)
    h.sup.adopt([record(agent('a'), { status: 'online', desired: 'running', pid: PID, procStart: START })])
    expect(h.spawner.stops.map((s) => s.pgid)).toEqual([PID])
    await h.tick(10)
    expect(h.story('a').at(-1)).toContain('it has no agent token (started by an older orch)')
    expect(h.status('a')).toBe('backoff')
  })

  it('an agent that died while no daemon ran goes through the restart policy', async () => {
    const h = harness()
    h.sup.adopt([record(agent('a'), { status: 'online', desired: 'running', pid: PID, procStart: START, token: 'x' })])
    expect(h.story('a')).toEqual(['online→backoff: died while no daemon was running; restart 1/3 in 100ms'])
    // its pid may be someone else's now: checked, never signalled
    expect(h.spawner.stops).toEqual([])
    expect(h.spawner.leftoversKilled).toEqual([PID])
    await h.tick(100)
    expect(h.spawner.count('a')).toBe(1)
  })

  it('an agent spawned but never saved (the daemon died first) is found by its environment and adopted, not started twice', async () => {
    const h = harness()
    h.spawner.adoptable(PID, START)
    h.spawner.leaders.set('a', [{ pid: PID, procStart: START, token: 'from-env' }])
    // the last save said stopped, with no pid: the spawn's own save was lost
    h.sup.adopt([record(agent('a'), { status: 'stopped', desired: 'running', pid: null, procStart: null })])
    await h.tick(60_000)
    expect(h.spawner.count('a')).toBe(0)
    expect(h.status('a')).toBe('online')
    const r = h.sup.get('a')!.record
    expect([r.pid, r.procStart, r.token]).toEqual([PID, START, 'from-env'])
    expect(h.story('a')[0]).toMatch(/^starting→starting: re-adopted pid 4242 by daemon \d+ \(found by its environment/)
  })

  it('a restart whose save was lost: the old pid is dead, the new process is found and adopted', async () => {
    const h = harness()
    h.spawner.adoptable(PID + 1, START + 5)
    h.spawner.leaders.set('a', [{ pid: PID + 1, procStart: START + 5, token: 't2' }])
    h.sup.adopt([record(agent('a'), { status: 'online', desired: 'running', pid: PID, procStart: START, token: 't1' })])
    await h.tick(60_000)
    expect(h.spawner.count('a')).toBe(0)
    expect(h.sup.get('a')!.record.pid).toBe(PID + 1)
    expect(h.spawner.stops).toEqual([])
  })

  it('a daemon started only to stop (orch kill) leaves dead agents stopped', async () => {
    const h = harness()
    h.sup.adopt([record(agent('a'), { status: 'online', desired: 'running', pid: PID, procStart: START })], { startDead: false })
    expect(h.story('a')).toEqual(['online→stopped: found dead by a daemon started to stop the agents'])
    await h.tick(60_000)
    expect(h.spawner.count('a')).toBe(0)
  })

  it('an agent saved as stopping is stopped for good, then started again if it was wanted', async () => {
    const h = harness()
    h.spawner.adoptable(PID, START)
    h.sup.adopt([record(agent('a'), { status: 'stopping', desired: 'running', pid: PID, procStart: START })])
    expect(h.status('a')).toBe('stopping')
    await h.tick(10)
    expect(h.story('a')).toEqual([
      'stopped→stopping: was stopping when the previous daemon ended',
      'stopping→stopped: was stopping when the previous daemon ended',
      'stopped→starting: restarted by a new daemon',
    ])
  })

  it('saved backoff (its timer died with the daemon) starts again; errored and unwanted ones stay down', async () => {
    const h = harness()
    h.sup.adopt([
      record(agent('a'), { status: 'backoff', desired: 'running' }),
      record(agent('b'), { status: 'errored', desired: 'running' }),
      record(agent('c'), { status: 'online', desired: 'stopped', pid: PID, procStart: START }),
    ])
    await h.tick()
    expect(h.story('a')).toEqual(['stopped→starting: started by a new daemon'])
    expect(h.story('b')).toEqual([])
    expect(h.story('c')).toEqual(['online→stopped: found stopped by a new daemon'])
  })
})

describe('pid reuse', () => {
  it('an adopted pid that now belongs to another process is an exit: never signalled, restarted by the policy', async () => {
    const h = harness()
    h.spawner.adoptable(PID, START)
    h.sup.adopt([record(agent('a'), { status: 'online', desired: 'running', pid: PID, procStart: START, token: 'x' })])
    // the agent died and the kernel gave its pid to another process
    h.spawner.adoptable(PID, START + 1)
    h.sup.reportMissing(new Set(['a']))
    expect(h.story('a').at(-1)).toBe('online→backoff: died (exit status unknown: not a child of this daemon); restart 1/3 in 100ms')
    expect(h.spawner.stops).toEqual([])
  })

  it('a suspect that is still the same process is left alone; our own children are not checked', async () => {
    const h = harness()
    h.spawner.adoptable(PID, START)
    h.sup.adopt([record(agent('a'), { status: 'online', desired: 'running', pid: PID, procStart: START, token: 'x' })])
    const b = h.add(agent('b'))
    h.sup.start(b, 'go')
    await h.tick()
    h.spawner.alive.delete(h.spawner.last('b').pid)
    h.sup.reportMissing()
    expect(h.status('a')).toBe('online')
    expect(h.status('b')).toBe('starting')
  })
})
