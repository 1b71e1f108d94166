import type { Logger } from '../log/logger.js'
import type { OrchPaths } from '../paths.js'
import { readDesiredState } from '../store/desired-state.js'
import type { RecoveryLog, RecoveryNote } from '../store/recovery-log.js'

/** Every repair is listed in `orch daemon status` and logged (by the RecoveryLog's listener): never silent. */
export function noteRecovery(_log: Logger, recovery: RecoveryLog, entry: Omit<RecoveryNote, 'at'>): void {
  recovery.note(entry)
}

/**
 * Looks at desired.json at start-up, before the daemon writes it again: bytes
 * that are not JSON are moved aside now, so `orch resurrect` can say what
 * happened. A file of the wrong shape stays for `orch resurrect` to report.
 */
export function checkDesiredState(paths: OrchPaths, log: Logger, recovery: RecoveryLog): void {
  try {
    const read = readDesiredState(paths.desiredState)
    if (read.movedTo) noteRecovery(log, recovery, { file: paths.desiredState, lines: 1, movedTo: read.movedTo, reason: read.reason })
  } catch (err) {
    // Only advisory at start-up: `orch resurrect` reads the file again and reports the error.
    log.warn('desired.json cannot be used by orch resurrect', { err })
  }
}
