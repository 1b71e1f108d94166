import { existsSync } from 'node:fs'
import type { OrchPaths } from '../core/paths.js'
import { TimeoutError } from '../core/errors/timeout-error.js'
import { procStartTime } from '../core/supervisor/proc.js'

const EXIT_TIMEOUT_MS = 15_000

/** Zombies count as gone: an init that does not reap would keep them forever. */
const alive = (pid: number): boolean => procStartTime(pid) !== null

/** Resolves when the daemon process is gone and its socket removed. */
export async function waitForDaemonExit(pid: number, paths: OrchPaths): Promise<void> {
  const deadline = Date.now() + EXIT_TIMEOUT_MS
  while (alive(pid) || existsSync(paths.socket)) {
    if (Date.now() > deadline) throw new TimeoutError(`daemon ${pid} did not exit within ${EXIT_TIMEOUT_MS / 1000}s; see ${paths.daemonLog}`)
    await new Promise((r) => setTimeout(r, 10))
  }
}
