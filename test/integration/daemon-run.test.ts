import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { afterEach, describe, expect, it } from 'vitest'
import { BIN, runBin } from '../helpers/bin.js'
import { fixture, isAlive, orchJson, useHomes, waitFor, writeConfig, type TestHome } from '../helpers/orch.js'
import type { AgentInfo, DaemonStatus } from '../../src/core/protocol/types.js'

const strays: number[] = []
const home = useHomes(strays)

/** `orch daemon run …` as a container runs it: a child process whose output and exit the test watches. */
interface Foreground {
  child: ChildProcess
  out: () => string
  err: () => string
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
}

let children: ChildProcess[] = []
afterEach(() => {
  for (const c of children) {
    try {
      if (c.exitCode === null && c.signalCode === null && c.pid) process.kill(c.pid, 'SIGKILL')
    } catch {}
  }
  children = []
})

function daemonRun(t: TestHome, args: string[]): Foreground {
  const child = spawn(process.execPath, [BIN, 'daemon', 'run', ...args], { env: { ...process.env, ORCH_HOME: t.home }, stdio: ['ignore', 'pipe', 'pipe'] })
  children.push(child)
  strays.push(child.pid!)
  let out = ''
  let err = ''
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()))
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()))
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })))
  return { child, out: () => out, err: () => err, exited }
}

/** Two tick instances (stdout) and an agent that writes stderr too. */
function tickConfig(t: TestHome): string {
  return writeConfig(t, [
    { name: 'worker', script: fixture('tick.js'), instances: 2, env: { TICK_MS: '100' } },
    { name: 'both', script: fixture('both-streams.js'), env: { TICK_MS: '50' } },
  ])
}

/** Waits for the child's daemon to answer, through a command that never starts one (`orch ls` would start another). */
async function answering(fg: Foreground): Promise<void> {
  await waitFor(async () => (await orchJson<Partial<DaemonStatus>>(['daemon', 'status'])).pid === fg.child.pid, 'the foreground daemon')
}

async function allOnline(n: number): Promise<AgentInfo[]> {
  return waitFor(async () => {
    const agents = await orchJson<AgentInfo[]>(['ls'])
    return agents.length === n && agents.every((a) => a.status === 'online') && agents
  }, `${n} agents online`)
}

describe('orch daemon run CONFIG (the container mode)', () => {
  it("starts the config's agents, prints their lines prefixed with the instance (agents started later too), and on SIGTERM stops them and exits 0", async () => {
    const t = home()
    const fg = daemonRun(t, [tickConfig(t)])
    await answering(fg)
    const agents = await allOnline(3)
    await waitFor(() => /^worker:0 \| worker:0 started pid \d+$/m.test(fg.out()) && /^worker:1 \| worker:1 tick$/m.test(fg.out()), 'worker lines on stdout')
    await waitFor(() => /^both \| both out \d+$/m.test(fg.out()) && /^both \| both err \d+$/m.test(fg.err()), 'stdout and stderr lines, each on its own')
    expect(fg.out()).not.toMatch(/both err/)
    expect(fg.err()).toMatch(/^orch \| daemon ready /m)
    expect((await orchJson<DaemonStatus>(['daemon', 'status'])).watchdogPid).toBeNull()

    // an agent started later, by another command
    const later = writeConfig(t, [{ name: 'late', script: fixture('tick.js') }], {}, 'later.config.json')
    await orchJson(['start', later])
    await waitFor(() => /^late \| late started pid \d+$/m.test(fg.out()), "the later agent's lines")
    const pids = [...agents.map((a) => a.pid!), (await orchJson<AgentInfo[]>(['ls'])).find((a) => a.id === 'late')!.pid!]

    fg.child.kill('SIGTERM')
    expect(await fg.exited).toEqual({ code: 0, signal: null })
    for (const pid of pids) expect(isAlive(pid), `agent ${pid}`).toBe(false)
    expect(fg.err()).toMatch(/^orch \| daemon stopped \{"reason":"SIGTERM"\}$/m)
    expect(existsSync(t.paths.socket)).toBe(false)
  })

  it('stops every agent on SIGINT too, and exits 0', async () => {
    const t = home()
    const fg = daemonRun(t, [tickConfig(t)])
    await answering(fg)
    const pids = (await allOnline(3)).map((a) => a.pid!)
    fg.child.kill('SIGINT')
    expect(await fg.exited).toEqual({ code: 0, signal: null })
    for (const pid of pids) expect(isAlive(pid), `agent ${pid}`).toBe(false)
  })

  it('a second signal while the agents stop SIGKILLs them at once and exits 128+signal', async () => {
    const t = home()
    const config = writeConfig(t, [{ name: 'stubborn', script: fixture('ignore-sigterm.js'), killTimeout: '10m' }])
    const fg = daemonRun(t, [config])
    await answering(fg)
    const [agent] = await allOnline(1)
    fg.child.kill('SIGINT')
    await waitFor(() => /^stubborn \| SIGTERM ignored$/m.test(fg.out()), 'the agent ignoring its SIGTERM')
    fg.child.kill('SIGINT')
    expect(await fg.exited).toEqual({ code: 130, signal: null })
    await waitFor(() => !isAlive(agent!.pid!), 'the agent gone')
    expect(fg.err()).toMatch(/^orch \| warn: SIGINT while stopping: exiting at once$/m)
  })

  it('refuses to start while a daemon runs for the home (clear error, --json document), and leaves that one alone', async () => {
    const t = home()
    const config = tickConfig(t)
    const fg = daemonRun(t, [config])
    await answering(fg)
    const before = await allOnline(3)

    const second = await runBin(['daemon', 'run', config], { ORCH_HOME: t.home })
    expect(second.status).toBe(1)
    expect(second.stderr).toContain(`Error: a daemon already runs for ${t.home} (pid ${fg.child.pid}); 'orch daemon run' starts one only when none runs: stop it first with 'orch daemon stop'`)
    expect(second.stderr).toContain(`or hand it the config with 'orch start ${config}' (E_DAEMON_RUNNING)`)
    expect(second.stdout).toBe('')

    const json = await runBin(['daemon', 'run', '--json'], { ORCH_HOME: t.home })
    expect(json.status).toBe(1)
    expect(JSON.parse(json.stdout)).toEqual({ error: { code: 'E_DAEMON_RUNNING', message: expect.stringContaining(`a daemon already runs for ${t.home}`) } })

    expect((await orchJson<DaemonStatus>(['daemon', 'status'])).pid).toBe(fg.child.pid)
    const after = await orchJson<AgentInfo[]>(['ls'])
    expect(after.map((a) => [a.id, a.pid, a.status])).toEqual(before.map((a) => [a.id, a.pid, 'online']))
    expect(fg.child.exitCode).toBeNull()
  })

  it('refuses when another process holds the lock of the home even before its socket answers', async () => {
    const t = home()
    const holder = spawn(process.execPath, [fixture('lock-contender.js'), t.home], { stdio: ['ignore', 'pipe', 'inherit'] })
    children.push(holder)
    let said = ''
    holder.stdout!.on('data', (d: Buffer) => (said += d.toString()))
    await waitFor(() => said.includes('won'), 'the lock taken')
    const r = await runBin(['daemon', 'run', '--json'], { ORCH_HOME: t.home })
    expect(r.status).toBe(1)
    expect(JSON.parse(r.stdout).error).toEqual({ code: 'E_DAEMON_RUNNING', message: expect.stringContaining(`another daemon holds ${t.home}`) })
    expect(holder.exitCode).toBeNull()
  })

  it('a bad config exits 1 with the clear error, and leaves no daemon', async () => {
    const t = home()
    const config = writeConfig(t, [{ name: 'w', scrpt: fixture('tick.js') }])
    const r = await runBin(['daemon', 'run', config], { ORCH_HOME: t.home })
    expect(r.status).toBe(1)
    expect(r.stderr).toContain(`Error: invalid config ${config}:`)
    expect(r.stderr).toContain("unknown field 'scrpt' (did you mean 'script'?)")
    expect(r.stderr).toMatch(/\(E_CONFIG_INVALID\)$/m)
    expect(existsSync(t.paths.socket)).toBe(false)

    const missing = await runBin(['daemon', 'run', 'nowhere.config.ts', '--json'], { ORCH_HOME: t.home })
    expect(missing.status).toBe(1)
    expect(JSON.parse(missing.stdout).error.code).toBe('E_CONFIG_NOT_FOUND')
    expect(existsSync(t.paths.socket)).toBe(false)
  })

  it('--no-logs prints no agent lines', async () => {
    const t = home()
    const fg = daemonRun(t, [tickConfig(t), '--no-logs'])
    await answering(fg)
    await allOnline(3)
    // the agents have written: had lines been printed, the first would be there by now
    await waitFor(async () => (await orchJson<Array<{ line: string }>>(['logs', 'worker:0', '-n', '2'])).length === 2, 'two lines in worker:0.out.log')
    fg.child.kill('SIGTERM')
    expect(await fg.exited).toEqual({ code: 0, signal: null })
    expect(fg.out()).toBe('')
    expect(fg.err()).toBe('')
  })
})

describe('orch daemon run without a config (the systemd unit)', () => {
  it('prints nothing by default and, on SIGTERM, stops the daemon only: agents keep running', async () => {
    const t = home()
    const fg = daemonRun(t, [])
    await answering(fg)
    await orchJson(['start', writeConfig(t, [{ name: 'keep', script: fixture('tick.js') }])])
    const [agent] = await allOnline(1)
    fg.child.kill('SIGTERM')
    expect(await fg.exited).toEqual({ code: 0, signal: null })
    expect(isAlive(agent!.pid!)).toBe(true)
    expect(fg.out()).toBe('')
  })
})
