import { spawn } from 'node:child_process'
import { closeSync, mkdirSync, openSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { DaemonStartError } from '../errors/daemon-start-error.js'
import { DaemonUnreachableError } from '../errors/daemon-unreachable-error.js'
import { checkHomeOwned } from '../daemon/home.js'
import { DAEMON_NODE_FLAGS } from '../daemon/node-flags.js'
import { DAEMON_MAIN } from '../package-root.js'
import { DETACHED_ENV } from '../watchdog-env.js'
import type { OrchPaths } from '../paths.js'
import { DaemonClient } from './daemon-client.js'

export const DAEMON_START_TIMEOUT_MS = 10_000
const POLL_MS = 10
const LOG_TAIL_LINES = 20

function tail(file: string, from: number): string {
  try {
    const text = readFileSync(file, 'utf8').slice(from)
    return text.trimEnd().split('\n').slice(-LOG_TAIL_LINES).join('\n')
  } catch {
    return '(no log written)'
  }
}

function sizeOf(file: string): number {
  try {
    return statSync(file).size
  } catch {
    return 0
  }
}

/**
 * Connects to the daemon of this ORCH_HOME, or null when none answers.
 * Refuses (E_HOME_NOT_OWNED) a home another user owns: a socket there may be
 * anyone's daemon, and we would hand it our configs and environment.
 */
export async function connectIfRunning(paths: OrchPaths): Promise<DaemonClient | null> {
  checkHomeOwned(paths, { deep: false })
  try {
    return await DaemonClient.connect(paths.socket)
  } catch (err) {
    if (err instanceof DaemonUnreachableError) return null
    throw err
  }
}

/**
 * Connects to the daemon, starting it first when none answers. Racing
 * callers may each spawn one; the daemon's lock lets one win and the others
 * exit, and every caller connects to the winner.
 */
export async function ensureDaemon(paths: OrchPaths, extraEnv: Record<string, string> = {}): Promise<{ client: DaemonClient; started: boolean }> {
  const existing = await connectIfRunning(paths)
  if (existing) return { client: existing, started: false }

  // The daemon refuses such a home too, but from here the error keeps its code.
  checkHomeOwned(paths)
  mkdirSync(paths.home, { recursive: true, mode: 0o700 })
  const logStart = sizeOf(paths.daemonLog)
  const out = openSync(paths.daemonLog, 'a', 0o600)
  const child = spawn(process.execPath, [...DAEMON_NODE_FLAGS, DAEMON_MAIN], {
    detached: true,
    stdio: ['ignore', out, out],
    env: { ...process.env, ...extraEnv, ORCH_HOME: paths.home, [DETACHED_ENV]: '1' },
  })
  closeSync(out)
  let exited: number | null = null
  child.once('exit', (code) => (exited = code ?? 1))
  child.unref()

  const deadline = Date.now() + DAEMON_START_TIMEOUT_MS
  while (Date.now() < deadline) {
    const client = await connectIfRunning(paths)
    if (client) return { client, started: true }
    // Exit code 0 means another daemon won the race: keep waiting for it.
    if (exited !== null && exited !== 0) break
    await new Promise((r) => setTimeout(r, POLL_MS))
  }
  throw new DaemonStartError(
    `the orch daemon did not start${exited !== null && exited !== 0 ? ` (exit code ${exited})` : ` within ${DAEMON_START_TIMEOUT_MS / 1000}s`}. ` +
      `Last lines of ${paths.daemonLog}:\n${tail(paths.daemonLog, logStart)}`,
    { log: paths.daemonLog },
  )
}
