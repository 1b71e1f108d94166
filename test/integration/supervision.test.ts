import { spawn } from 'node:child_process'
import { appendFileSync, existsSync, readdirSync, readFileSync } from 'node:fs'
import { basename, dirname, join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { DaemonClient } from '../../src/core/client/daemon-client.js'
import type { AgentEvent, AgentInfo } from '../../src/core/protocol/types.js'
import { fixture, isAlive, killDaemon, orch, orchJson, useHomes, waitFor, writeConfig } from '../helpers/orch.js'

const strays: number[] = []
const home = useHomes(strays)

interface Described extends AgentInfo {
  events: AgentEvent[]
}
const ls = (): Promise<AgentInfo[]> => orchJson<AgentInfo[]>(['ls'])
const describeAgent = (name: string): Promise<Described> => orchJson<Described>(['describe', name])
const agent = async (id: string): Promise<AgentInfo | undefined> => (await ls()).find((a) => a.id === id)
const statusIs = (id: string, status: string) => async () => (await agent(id))?.status === status && (await agent(id))

describe('restart policy', () => {
  it('a crash loop ends in errored after exactly the budget, and stays down', async () => {
    const t = home()
    const cfg = writeConfig(t, [{ name: 'loop', script: fixture('crash.js'), env: { CRASH_AFTER_MS: '20' }, maxRestarts: 3, restartWindow: '60s', backoff: { initial: '10ms' } }])
    await orchJson(['start', cfg])
    const errored = await waitFor(statusIs('loop', 'errored'), 'loop errored')
    expect(errored.restarts).toBe(3)
    expect(errored.pid).toBeNull()
    const d = await describeAgent('loop')
    expect(d.events.filter((e) => e.to === 'starting')).toHaveLength(4)
    expect(d.events.at(-1)!.reason).toMatch(/exited with code 1; 4 exits in 1m, limit 3 restarts in 1m/)
    const log = readFileSync(join(t.paths.logsDir, 'loop.out.log'), 'utf8')
    expect(log.match(/crash started/g)).toHaveLength(4)
  })

  it('orch start NAME from errored starts a fresh budget', async () => {
    const t = home()
    const cfg = writeConfig(t, [{ name: 'loop', script: fixture('crash.js'), env: { CRASH_AFTER_MS: '20' }, maxRestarts: 1, backoff: { initial: '10ms' } }])
    await orchJson(['start', cfg])
    await waitFor(statusIs('loop', 'errored'), 'first errored')
    await orchJson(['start', 'loop'])
    await waitFor(async () => (await describeAgent('loop')).events.filter((e) => e.to === 'errored').length === 2, 'second errored')
    const d = await describeAgent('loop')
    expect(d.events.filter((e) => e.to === 'starting')).toHaveLength(4)
  })

  it('backoff delays grow between restarts', async () => {
    const t = home()
    const cfg = writeConfig(t, [{ name: 'slow', script: fixture('crash.js'), env: { CRASH_AFTER_MS: '10' }, maxRestarts: 4, backoff: { initial: '100ms', factor: 2 } }])
    await orchJson(['start', cfg])
    await waitFor(statusIs('slow', 'errored'), 'slow errored')
    const events = (await describeAgent('slow')).events
    const delays: number[] = []
    events.forEach((e, i) => {
      if (e.to === 'backoff' && events[i + 1]?.to === 'starting') delays.push(events[i + 1]!.at - e.at)
    })
    expect(delays).toHaveLength(4)
    delays.forEach((d, i) => expect(d).toBeGreaterThanOrEqual(100 * 2 ** i - 5))
    expect(events.filter((e) => e.to === 'backoff').map((e) => /in (\d+)ms/.exec(e.reason)?.[1])).toEqual(['100', '200', '400', '800'])
  })

  it("'on-failure' does not restart after exit 0 but does after exit 1", async () => {
    const t = home()
    const cfg = writeConfig(t, [
      { name: 'clean', script: fixture('exit0.js'), autorestart: 'on-failure' },
      { name: 'dirty', script: fixture('crash.js'), autorestart: 'on-failure', maxRestarts: 1, backoff: { initial: '10ms' } },
      { name: 'off', script: fixture('crash.js'), autorestart: false },
    ])
    await orchJson(['start', cfg])
    const clean = await waitFor(statusIs('clean', 'stopped'), 'clean stopped')
    expect(clean.restarts).toBe(0)
    expect((await describeAgent('clean')).events.at(-1)!.reason).toMatch(/exited with code 0; autorestart is 'on-failure'/)
    expect((await waitFor(statusIs('dirty', 'errored'), 'dirty errored')).restarts).toBe(1)
    expect((await waitFor(statusIs('off', 'errored'), 'off errored')).restarts).toBe(0)
  })

  it('restarts an agent whose memory stays over maxMemory', async () => {
    const t = home()
    const cfg = writeConfig(
      t,
      [{ name: 'hog', script: fixture('grow-memory.js'), env: { GROW_MB: '40', GROW_EVERY_MS: '50' }, maxMemory: '120M', maxRestarts: 10, backoff: { initial: '10ms' } }],
      { monitorInterval: '200ms' },
    )
    await orchJson(['start', cfg])
    await waitFor(async () => (await agent('hog'))!.restarts >= 1, 'hog restarted')
    const reasons = (await describeAgent('hog')).events.map((e) => e.reason)
    expect(reasons.some((r) => /^memory [\d.]+ MiB over limit 120\.0 MiB; restart 1\/10/.test(r))).toBe(true)
  })
})

describe('readiness', () => {
  it('is online as soon as the agent signals ready, before its start grace', async () => {
    const t = home()
    const cfg = writeConfig(t, [{ name: 'late', script: fixture('ready-late.js'), env: { READY_AFTER_MS: '300' }, startGrace: '60s' }])
    await orchJson(['start', cfg])
    await waitFor(statusIs('late', 'online'), 'late online', 10_000)
    expect((await describeAgent('late')).events.at(-1)!.reason).toBe('signalled ready')
  })

  it('restarts an agent that never signals ready within readyTimeout, never showing it online', async () => {
    const t = home()
    const cfg = writeConfig(t, [{ name: 'mute', script: fixture('never-ready.js'), readyTimeout: '300ms', maxRestarts: 1, backoff: { initial: '10ms' } }])
    await orchJson(['start', cfg])
    await waitFor(statusIs('mute', 'errored'), 'mute errored')
    const events = (await describeAgent('mute')).events
    expect(events.some((e) => e.to === 'online')).toBe(false)
    expect(events.filter((e) => e.to === 'backoff')[0]!.reason).toMatch(/not ready after 300ms \(readyTimeout\)/)
  })
})

describe('order', () => {
  it('starts an agent after what it depends on is online, and stops in reverse order', async () => {
    const t = home()
    const cfg = writeConfig(t, [
      { name: 'app', script: fixture('tick.js'), dependsOn: ['db'], startGrace: '100ms' },
      { name: 'db', script: fixture('tick.js'), startGrace: '500ms' },
    ])
    await orchJson(['start', cfg])
    await waitFor(async () => (await ls()).every((a) => a.status === 'online'), 'both online')
    const app = (await describeAgent('app')).events
    const db = (await describeAgent('db')).events
    // db is started first (dependency order), so app waits for a db that is starting
    expect(app[0]!.reason).toBe('waiting for db (starting)')
    const dbOnline = db.find((e) => e.to === 'online')!.at
    const appSpawned = app.find((e) => e.to === 'starting' && e.reason.includes('db online'))!.at
    expect(appSpawned).toBeGreaterThanOrEqual(dbOnline)
    await orchJson(['stop', 'all'])
    const appStopped = (await describeAgent('app')).events.find((e) => e.to === 'stopped')!.at
    const dbStopping = (await describeAgent('db')).events.find((e) => e.to === 'stopping')!.at
    expect(appStopped).toBeLessThanOrEqual(dbStopping)
  })
})

describe('a daemon crash', () => {
  it('leaves agents running; the next daemon re-adopts them without duplicates and still restarts crashes', async () => {
    const t = home()
    const cfg = writeConfig(t, [{ name: 'w', script: fixture('tick.js'), instances: 5, startGrace: '100ms', backoff: { initial: '10ms' } }], { monitorInterval: '200ms' })
    await orchJson(['start', cfg])
    const before = await waitFor(async () => {
      const a = await ls()
      return a.length === 5 && a.every((x) => x.status === 'online') && a
    }, 'five online')
    const { pid: daemonPid } = await orchJson<{ pid: number }>(['daemon', 'status'])
    process.kill(daemonPid, 'SIGKILL')
    await waitFor(() => !isAlive(daemonPid), 'daemon dead')
    for (const a of before) expect(isAlive(a.pid!)).toBe(true)

    // An `online` whose save the SIGKILL beat is re-adopted as `starting`, online again after its grace.
    const after = await waitFor(async () => {
      const a = await ls()
      return a.length === 5 && a.every((x) => x.status === 'online') && a
    }, 'five online again')
    expect(after.map((a) => [a.id, a.pid, a.status])).toEqual(before.map((a) => [a.id, a.pid, 'online']))
    expect(after.every((a) => a.uptime >= before[0]!.uptime)).toBe(true)
    expect((await describeAgent('w:0')).events.at(-1)!.reason).toMatch(/^re-adopted pid \d+ by daemon \d+$/)
    // Only the five agents run the fixture: nothing was started twice.
    const running = readdirSync('/proc').filter((p) => {
      try {
        return /^\d+$/.test(p) && readFileSync(`/proc/${p}/environ`, 'utf8').includes(`ORCH_HOME=${t.home}\0`) && readFileSync(`/proc/${p}/cmdline`, 'utf8').includes('tick.js')
      } catch {
        return false
      }
    })
    expect(running.length).toBe(5)

    // Not our child any more: its death is seen by polling, and the policy restarts it.
    process.kill(before[2]!.pid!, 'SIGKILL')
    const restarted = await waitFor(async () => {
      const a = await agent('w:2')
      return a && a.pid !== before[2]!.pid && a.status === 'online' && a
    }, 'w:2 restarted')
    expect(restarted.restarts).toBe(1)
  })

  it('adopts an agent whose record the killed daemon never saved, found by its environment, without starting it twice', async () => {
    const t = home()
    const cfg = writeConfig(t, [{ name: 'solo', script: fixture('tick.js'), startGrace: '100ms' }])
    await orchJson(['start', cfg])
    const first = await waitFor(statusIs('solo', 'online'), 'solo online')
    strays.push(first.pid!)
    killDaemon(t)
    await waitFor(() => !isAlive(first.pid!) || !existsSync(t.paths.pidFile) || !isAlive(Number(readFileSync(t.paths.pidFile, 'utf8'))), 'daemon dead')
    // What a daemon killed between the spawn and its save leaves: the last saved record has no pid.
    const db = join(t.paths.dataDir, 'agents.db')
    const doc = readFileSync(db, 'utf8').trim().split('\n').map((l) => JSON.parse(l)).filter((d) => d._id === 'solo').at(-1)
    appendFileSync(db, `${JSON.stringify({ ...doc, status: 'stopped', pid: null, procStart: null, token: null })}\n`)
    const after = await waitFor(statusIs('solo', 'online'), 'solo online again')
    expect(after.pid).toBe(first.pid)
    expect(after.restarts).toBe(first.restarts)
    expect((await describeAgent('solo')).events.at(-2)!.reason).toMatch(/found by its environment/)
    const running = readdirSync('/proc').filter((p) => {
      try {
        return /^\d+$/.test(p) && readFileSync(`/proc/${p}/environ`, 'utf8').includes(`ORCH_HOME=${t.home}\0`) && readFileSync(`/proc/${p}/cmdline`, 'utf8').includes('tick.js')
      } catch {
        return false
      }
    })
    expect(running).toEqual([String(first.pid)])
  })

  it('does not adopt a process that reuses a recorded pid, and restarts the agent instead', async () => {
    const t = home()
    const cfg = writeConfig(t, [{ name: 'solo', script: fixture('tick.js'), startGrace: '100ms' }])
    await orchJson(['start', cfg])
    const first = await waitFor(statusIs('solo', 'online'), 'solo online')
    strays.push(first.pid!)
    await orchJson(['daemon', 'stop'])
    // The agent dies while no daemon runs, and its pid goes to a stranger: a process of
    // someone else's, in its own group, without orch's environment.
    process.kill(-first.pid!, 'SIGKILL')
    await waitFor(() => !isAlive(first.pid!), 'solo dead')
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('ORCH_')))
    const stranger = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { detached: true, stdio: 'ignore', env })
    strays.push(stranger.pid!)
    const strangerStart = Number(readFileSync(`/proc/${stranger.pid}/stat`, 'utf8').split(') ')[1]!.split(' ')[19])
    // The record names the stranger's pid with the start time the agent had: not the same process.
    const db = join(t.paths.dataDir, 'agents.db')
    const doc = readFileSync(db, 'utf8').trim().split('\n').map((l) => JSON.parse(l)).filter((d) => d._id === 'solo').at(-1)
    appendFileSync(db, `${JSON.stringify({ ...doc, pid: stranger.pid, procStart: strangerStart - 1 })}\n`)
    const after = await waitFor(async () => {
      const a = await agent('solo')
      return a?.status === 'online' && a
    }, 'solo online again')
    expect(after.pid).not.toBe(stranger.pid)
    expect(isAlive(stranger.pid!)).toBe(true)
    expect((await describeAgent('solo')).events.some((e) => /died while no daemon was running/.test(e.reason))).toBe(true)
  })
})

describe('races and leftovers', () => {
  it('an agent waiting out its backoff when the daemon restarts is restarted by the new daemon', async () => {
    const t = home()
    const cfg = writeConfig(t, [{ name: 'slow', script: fixture('crash.js'), env: { CRASH_AFTER_MS: '10' }, maxRestarts: 5, backoff: { initial: '2s' } }])
    await orchJson(['start', cfg])
    await waitFor(statusIs('slow', 'backoff'), 'slow in backoff')
    await orchJson(['daemon', 'restart'])
    await waitFor(async () => (await describeAgent('slow')).events.some((e) => e.reason === 'started by a new daemon'), 'started by the new daemon')
  })

  it('a start that arrives while a stop is under way starts the agent once the stop is over', async () => {
    const t = home()
    const cfg = writeConfig(t, [{ name: 'slowstop', script: fixture('ignore-sigterm.js'), killTimeout: '500ms', startGrace: '100ms' }])
    await orchJson(['start', cfg])
    const first = await waitFor(statusIs('slowstop', 'online'), 'online')
    await waitFor(() => readFileSync(join(t.paths.logsDir, 'slowstop.out.log'), 'utf8').includes('started'), 'handler installed')
    const client = await DaemonClient.connect(t.paths.socket)
    const stopping = client.call('agents.stop', { target: 'slowstop' })
    await waitFor(statusIs('slowstop', 'stopping'), 'stopping')
    const started = await client.call('agents.start', { target: 'slowstop' })
    expect(started.started).toEqual(['slowstop'])
    await stopping
    client.close()
    const again = await waitFor(async () => {
      const a = await agent('slowstop')
      return a?.status === 'online' && a.pid !== first.pid && a
    }, 'running again after the stop')
    expect(again.pid).not.toBe(first.pid)
  })

  it('a cwd that does not exist is a config error', async () => {
    const t = home()
    const cfg = writeConfig(t, [{ name: 'lost', script: fixture('tick.js'), cwd: './nowhere' }])
    const r = await orch(['start', cfg])
    expect(r.error?.message).toMatch(/agents\[0\] \(agent 'lost'\): field 'cwd' must be an existing directory, got ".\/nowhere"/)
  })
})

describe('after a reboot', () => {
  it('kill keeps the desired state; resurrect starts what was running', async () => {
    const t = home()
    const cfg = writeConfig(t, [
      { name: 'a', script: fixture('tick.js'), startGrace: '100ms' },
      { name: 'b', script: fixture('tick.js'), startGrace: '100ms' },
    ])
    await orchJson(['start', cfg])
    await orchJson(['stop', 'b'])
    const desired = JSON.parse(readFileSync(t.paths.desiredState, 'utf8'))
    expect(desired.agents.map((x: { agent: { name: string } }) => x.agent.name)).toEqual(['a'])
    await orchJson(['kill'])
    expect(await ls()).toMatchObject([{ name: 'a', status: 'stopped' }, { name: 'b', status: 'stopped' }])
    const r = await orchJson<{ started: string[] }>(['resurrect'])
    expect(r.started).toEqual(['a'])
    await waitFor(statusIs('a', 'online'), 'a online')
    expect((await agent('b'))!.status).toBe('stopped')
  })

  it('startup --install writes the unit under ~/.config/systemd/user', async () => {
    const t = home()
    const realHome = process.env.HOME
    const realXdg = process.env.XDG_CONFIG_HOME
    process.env.HOME = t.home
    delete process.env.XDG_CONFIG_HOME
    try {
      const r = await orchJson<{ path: string; installed: boolean }>(['startup', '--install'])
      expect(r.installed).toBe(true)
      // a home other than ~/.orch has a unit of its own (test/integration/startup.test.ts)
      expect(dirname(r.path)).toBe(join(t.home, '.config/systemd/user'))
      expect(basename(r.path)).toMatch(/^orch-[\w-]+-[0-9a-f]{8}\.service$/)
      expect(readFileSync(r.path, 'utf8')).toMatch(/ExecStart=.* daemon run/)
    } finally {
      process.env.HOME = realHome
      if (realXdg !== undefined) process.env.XDG_CONFIG_HOME = realXdg
    }
  })

  it('startup prints a systemd user unit that runs the daemon and resurrects', async () => {
    home()
    const r = await orchJson<{ unit: string; installed: boolean }>(['startup'])
    expect(r.installed).toBe(false)
    expect(r.unit).toMatch(/ExecStart=.* daemon run/)
    expect(r.unit).toMatch(/ExecStartPost=.* resurrect/)
    expect(r.unit).toContain(`ORCH_HOME=${process.env.ORCH_HOME}`)
  })
})

describe('monitoring', () => {
  it('does not leak file descriptors across many short-lived agent processes', async () => {
    const t = home()
    await orchJson(['ls'])
    const { pid } = await orchJson<{ pid: number }>(['daemon', 'status'])
    const fds = (): number => readdirSync(`/proc/${pid}/fd`).length
    const baseline = fds()
    const cfg = writeConfig(
      t,
      [{ name: 'flicker', script: fixture('crash.js'), env: { CRASH_AFTER_MS: '150' }, maxRestarts: 25, restartWindow: '1h', backoff: { initial: '10ms', max: '10ms' } }],
      { monitorInterval: '100ms' },
    )
    await orchJson(['start', cfg])
    await waitFor(async () => (await agent('flicker'))?.status === 'errored', 'flicker errored', 30_000)
    // pidusage keeps a descriptor per sampled pid until its history expires (3 intervals).
    await waitFor(() => fds() <= baseline + 2, `descriptors back to about ${baseline} (now ${fds()})`)
  })
})

describe('orch daemon status', () => {
  it("shows the daemon's own pid, uptime, cpu and memory", async () => {
    home()
    await orchJson(['ls'])
    const s = await orchJson<{ pid: number; uptime: number; cpu: number; memory: number }>(['daemon', 'status'])
    expect(isAlive(s.pid)).toBe(true)
    expect(s.uptime).toBeGreaterThanOrEqual(0)
    expect(s.cpu).toBeGreaterThanOrEqual(0)
    expect(s.memory).toBeGreaterThan(10 * 1024 * 1024)
  })
})
