import type { Logger } from '../log/logger.js'
import type { OrchPaths } from '../paths.js'
import { readDesiredState } from '../store/desired-state.js'
import type { RecoveryLog } from '../store/recovery-log.js'

/**
 * Looks at desired.json at start-up, before the daemon writes it again: bytes
 * that are not JSON are moved aside now, so `orch resurrect` can say what
 * happened. A file of the wrong shape stays for `orch resurrect` to report.
 */
export function checkDesiredState(paths: OrchPaths, log: Logger, recovery: RecoveryLog): void {
  try {
    const read = readDesiredState(paths.desiredState)
    if (read.movedTo) recovery.note({ file: paths.desiredState, lines: 1, movedTo: read.movedTo, reason: read.reason })
  } catch (err) {
    // Only advisory at start-up: `orch resurrect` reads the file again and reports the error.
    log.warn('desired.json cannot be used by orch resurrect', { err })
  }
}
