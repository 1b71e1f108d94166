// The daemon comes back by itself: a watchdog restarts a background daemon that dies without a clean shutdown.
import { spawn } from 'node:child_process'
import { existsSync, readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { DaemonClient } from '../../src/core/client/daemon-client.js'
import { DAEMON_NODE_FLAGS } from '../../src/core/daemon/node-flags.js'
import type { AgentInfo, DaemonStatus } from '../../src/core/protocol/types.js'
import { fixture, isAlive, orchJson, ROOT, useHomes, waitFor, writeConfig, type TestHome } from '../helpers/orch.js'

const home = useHomes()

/** Asks the daemon without starting one (unlike every orch command): null when none answers. */
async function ask<T>(t: TestHome, method: 'daemon.status' | 'agents.list'): Promise<T | null> {
  try {
    const c = await DaemonClient.connect(t.paths.socket)
    try {
      return (await c.call(method, {})) as T
    } finally {
      c.close()
    }
  } catch {
    return null
  }
}

const environ = (pid: number): string => readFileSync(`/proc/${pid}/environ`, 'utf8')
/** The node options a process runs with: the words of its command line before the script. */
const nodeOptions = (pid: number): string[] => readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').slice(1).filter((w) => w.startsWith('--'))

describe('a daemon that comes back by itself', () => {
  it('after kill -9, with no orch command: a new daemon re-adopts plain-script agents and restarts one that crashes', async () => {
    const t = home()
    const cfg = writeConfig(t, [{ name: 'plain', script: fixture('tick.js'), instances: 2, startGrace: '100ms', backoff: { initial: '10ms' } }], { monitorInterval: '200ms' })
    await orchJson(['start', cfg])
    const before = await waitFor(async () => {
      const ls = await orchJson<AgentInfo[]>(['ls'])
      return ls.every((a) => a.status === 'online') && ls
    }, 'both online')
    const first = await orchJson<DaemonStatus>(['daemon', 'status'])
    expect(first.watchdogPid).toEqual(expect.any(Number))
    expect(isAlive(first.watchdogPid!)).toBe(true)

    // started by the CLI with the daemon's node options
    expect(nodeOptions(first.pid)).toEqual(DAEMON_NODE_FLAGS)
    const killedAt = Date.now()
    process.kill(first.pid, 'SIGKILL')
    const second = await waitFor(async () => {
      const s = await ask<DaemonStatus>(t, 'daemon.status')
      return s && s.pid !== first.pid && s
    }, 'a new daemon, started by the watchdog')
    const backAfter = Date.now() - killedAt
    // the watchdog became the new daemon (exec), which has a watchdog of its own
    expect(second.pid).toBe(first.watchdogPid)
    expect(second.watchdogPid).not.toBe(first.watchdogPid)
    expect(isAlive(second.watchdogPid!)).toBe(true)
    // and the watchdog's daemon with them too
    expect(nodeOptions(second.pid)).toEqual(DAEMON_NODE_FLAGS)
    // agents do not see the watchdog's variables
    expect(environ(before[1]!.pid!)).not.toContain('ORCH_DAEMON_DETACHED')
    const readopted = (await ask<AgentInfo[]>(t, 'agents.list'))!
    expect(readopted.map((a) => a.pid)).toEqual(before.map((a) => a.pid))

    const crashedAt = Date.now()
    process.kill(before[0]!.pid!, 'SIGKILL')
    const restarted = await waitFor(async () => {
      const a = (await ask<AgentInfo[]>(t, 'agents.list'))?.[0]
      return a && a.pid !== before[0]!.pid && a.pid !== null && a
    }, 'the crashed agent running again')
    expect(isAlive(restarted.pid!)).toBe(true)
    console.log(`daemon back ${backAfter} ms after kill -9; crashed agent running again ${Date.now() - crashedAt} ms after its crash`)
  })

  it('backs off when the daemon keeps dying young', async () => {
    const t = home()
    await orchJson(['ls'])
    const delays: number[] = []
    let pid = (await orchJson<DaemonStatus>(['daemon', 'status'])).pid
    for (let i = 0; i < 3; i++) {
      process.kill(pid, 'SIGKILL')
      const s = await waitFor(async () => {
        const st = await ask<DaemonStatus>(t, 'daemon.status')
        return st && st.pid !== pid && st
      }, `restart ${i + 1}`)
      pid = s.pid
      delays.push(Number(/ORCH_WATCHDOG_DELAY_MS=(\d+)/.exec(environ(pid))?.[1]))
    }
    expect(delays).toEqual([100, 200, 400])
  })

  it('does not come back after orch daemon stop or orch kill', async () => {
    const t = home()
    await orchJson(['ls'])
    const a = await orchJson<DaemonStatus>(['daemon', 'status'])
    await orchJson(['daemon', 'stop'])
    await waitFor(() => !isAlive(a.watchdogPid!), 'the watchdog gone')
    expect(await ask(t, 'daemon.status')).toBeNull()

    await orchJson(['ls'])
    const b = await orchJson<DaemonStatus>(['daemon', 'status'])
    await orchJson(['kill'])
    await waitFor(() => !isAlive(b.watchdogPid!), 'the watchdog gone after orch kill')
    expect(await ask(t, 'daemon.status')).toBeNull()
  })

  it('starts another watchdog when its watchdog is killed', async () => {
    const t = home()
    await orchJson(['ls'])
    const a = await orchJson<DaemonStatus>(['daemon', 'status'])
    process.kill(a.watchdogPid!, 'SIGKILL')
    const b = await waitFor(async () => {
      const s = await orchJson<DaemonStatus>(['daemon', 'status'])
      return s.watchdogPid !== a.watchdogPid && s.watchdogPid !== null && s
    }, 'a new watchdog')
    expect(b.pid).toBe(a.pid)
  })

  it('has no watchdog in the foreground (orch daemon run), where its service manager restarts it', async () => {
    const t = home()
    const child = spawn(process.execPath, [join(ROOT, 'bin', 'run.js'), 'daemon', 'run'], { env: { ...process.env, ORCH_HOME: t.home }, stdio: 'ignore' })
    try {
      const s = await waitFor(() => ask<DaemonStatus>(t, 'daemon.status'), 'the foreground daemon')
      expect(s.watchdogPid).toBeNull()
    } finally {
      child.kill('SIGTERM')
    }
  })
})

describe('a watchdog that knows when not to restart', () => {
  /** Kills the daemon young `kills` times: its watchdog then waits 100 ms × 2^kills before the next restart. */
  async function slowWatchdog(t: TestHome, kills = 2): Promise<DaemonStatus> {
    await orchJson(['ls'])
    let s = (await ask<DaemonStatus>(t, 'daemon.status'))!
    for (let i = 0; i < kills; i++) {
      process.kill(s.pid, 'SIGKILL')
      const old = s.pid
      s = await waitFor(async () => {
        const st = await ask<DaemonStatus>(t, 'daemon.status')
        return st && st.pid !== old && st
      }, 'restarted')
    }
    return s
  }

  it('does not restart a daemon whose home was removed meanwhile', async () => {
    const t = home()
    const s = await slowWatchdog(t)
    process.kill(s.pid, 'SIGKILL')
    rmSync(t.home, { recursive: true, force: true })
    await waitFor(() => !isAlive(s.watchdogPid!), 'the watchdog gone')
    expect(existsSync(t.home)).toBe(false)
  })

  it('gives way to a daemon started meanwhile, and orch daemon stop also ends a watchdog waiting to restart', async () => {
    const t = home()
    // 1.6 s: time enough for a command to start a daemon first
    const s = await slowWatchdog(t, 4)
    process.kill(s.pid, 'SIGKILL')
    // a command starts a daemon before the watchdog's wait is over: the watchdog must not start a second one
    await orchJson(['ls'])
    const started = (await ask<DaemonStatus>(t, 'daemon.status'))!
    expect(started.pid).not.toBe(s.watchdogPid)
    await waitFor(() => !isAlive(s.watchdogPid!), 'the old watchdog gone')
    expect((await ask<DaemonStatus>(t, 'daemon.status'))!.pid).toBe(started.pid)

    const again = await slowWatchdog(t)
    process.kill(again.pid, 'SIGKILL')
    await orchJson(['daemon', 'stop'])
    await waitFor(() => !isAlive(again.watchdogPid!), 'the waiting watchdog stopped')
    expect(await ask(t, 'daemon.status')).toBeNull()
  })
})
