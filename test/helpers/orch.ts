import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { tmpdir } from 'node:os'
import { runCommand } from '@oclif/test'
import { afterEach } from 'vitest'
import { orchPaths, type OrchPaths } from '../../src/core/paths.js'
import { pidsInHomes, recordHome } from './global-setup.js'
import { procStartTime } from '../../src/core/supervisor/proc.js'

export const ROOT = resolve(import.meta.dirname, '..', '..')
export const FIXTURES = join(ROOT, 'test', 'fixtures')

export interface TestHome {
  home: string
  paths: OrchPaths
}

/** A fresh ORCH_HOME under /tmp (short, so the socket path fits). Sets process.env.ORCH_HOME for in-process commands. */
export function makeHome(): TestHome {
  const home = mkdtempSync(join(tmpdir(), 'orch-t-'))
  recordHome(home)
  process.env.ORCH_HOME = home
  return { home, paths: orchPaths(home) }
}

export interface CommandResult<T = unknown> {
  stdout: string
  stderr: string
  error?: Error & { code?: string }
  result?: T
}

/** Runs a real orch command in this process (oclif runCommand), against the daemon of process.env.ORCH_HOME. */
export async function orch<T = unknown>(args: string[]): Promise<CommandResult<T>> {
  return (await runCommand<T>(args, { root: ROOT })) as CommandResult<T>
}

/** Runs a command with --json and returns its parsed output; throws with the output when it failed. */
export async function orchJson<T>(args: string[]): Promise<T> {
  const r = await orch<T>([...args, '--json'])
  if (r.error) throw Object.assign(new Error(`orch ${args.join(' ')} failed: ${r.error.message}\n${r.stdout}`), { cause: r.error })
  return JSON.parse(r.stdout) as T
}

/** Polls until `fn` returns a truthy value; throws with `what` at the deadline. No fixed sleeps. */
export type Truthy<T> = Exclude<T, false | null | undefined | 0 | ''>

export async function waitFor<T>(fn: () => T | Promise<T>, what: string, timeoutMs = 15_000): Promise<Truthy<T>> {
  const deadline = Date.now() + timeoutMs
  let last: unknown
  for (;;) {
    try {
      const v = await fn()
      if (v) return v as Truthy<T>
      last = v
    } catch (err) {
      last = err
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last: ${last instanceof Error ? last.message : JSON.stringify(last)}`)
    await new Promise((r) => setTimeout(r, 25))
  }
}

export function isAlive(pid: number): boolean {
  return procStartTime(pid) !== null
}

/** Writes a config into the home and returns its path. */
export function writeConfig(t: TestHome, agents: unknown[], extra: Record<string, unknown> = {}, name = 'ecosystem.config.json'): string {
  const file = join(t.home, name)
  writeFileSync(file, JSON.stringify({ ...extra, agents }, null, 2))
  return file
}

export function fixture(name: string): string {
  return join(FIXTURES, name)
}

/** Pids of agents the state store knows, read straight from the NeDB file. */
function recordedPids(paths: OrchPaths): number[] {
  try {
    return readFileSync(join(paths.dataDir, 'agents.db'), 'utf8')
      .split('\n')
      .flatMap((l) => {
        try {
          const pid = (JSON.parse(l) as { pid?: number }).pid
          return typeof pid === 'number' ? [pid] : []
        } catch {
          return []
        }
      })
  } catch {
    return []
  }
}

const pidIn = (file: string): number | null => {
  try {
    const pid = Number(readFileSync(file, 'utf8'))
    return pid > 0 ? pid : null
  } catch {
    return null
  }
}

/**
 * SIGKILLs the home's daemon and, right after, its watchdog, which would
 * otherwise start a new daemon (it waits at least 100 ms before it does; the
 * daemon, were the watchdog killed first, would start another watchdog).
 * Then the daemon stays down until an orch command.
 */
export function killDaemon(t: TestHome): number | null {
  const daemon = pidIn(t.paths.pidFile)
  const watchdog = pidIn(t.paths.watchdogPidFile)
  for (const pid of [daemon, watchdog]) {
    try {
      if (pid && isAlive(pid)) process.kill(pid, 'SIGKILL')
    } catch {}
  }
  return daemon
}

function killGroup(pid: number): void {
  try {
    process.kill(-pid, 'SIGKILL')
  } catch {}
  try {
    process.kill(pid, 'SIGKILL')
  } catch {}
}

/**
 * Stops what a test started: `orch kill`, then SIGKILL by pid for anything
 * left (agents' groups from the state store, the daemon from daemon.pid).
 * Never by name.
 */
export async function cleanup(t: TestHome, extraPids: number[] = []): Promise<void> {
  process.env.ORCH_HOME = t.home
  await orch(['kill', '--json']).catch(() => {})
  killDaemon(t)
  for (const pid of [...recordedPids(t.paths), ...extraPids]) if (isAlive(pid)) killGroup(pid)
  // a daemon a command of the test started while another one came up (the watchdog's, after a
  // kill -9) may win the lock only now, with no pid file yet: whatever still runs in the home, by pid
  const home = new Set([t.home])
  for (let i = 0; i < 5; i++) {
    const left = pidsInHomes(home)
    if (left.length === 0) break
    for (const pid of left) killGroup(Number(pid))
    await new Promise((r) => setTimeout(r, 100))
  }
  // a daemon that lost a start race may still be writing its last log line: what cannot go now,
  // the end-of-run sweep (global-setup.ts) kills and removes
  try {
    rmSync(t.home, { recursive: true, force: true, maxRetries: 10, retryDelay: 50 })
  } catch {}
}

/**
 * Fresh homes for each test, cleaned after it: `const home = useHomes()` at
 * the top of a file, then `const t = home()` in a test.
 */
export function useHomes(strays: number[] = []): () => TestHome {
  let homes: TestHome[] = []
  afterEach(async () => {
    for (const t of homes) await cleanup(t, strays)
    homes = []
    strays.length = 0
  })
  return () => {
    const t = makeHome()
    homes.push(t)
    return t
  }
}
