/** One file the daemon repaired at start-up: what it dropped and where the dropped bytes went. */
export interface Recovery {
  /** the file that was repaired, absolute path */
  file: string
  /** how many records (lines, documents, entries) were dropped */
  lines: number
  /** where the unreadable bytes were moved, absolute path */
  movedTo: string
  /** when, ms since the epoch */
  at: number
  /** why, in words a person can act on */
  reason: string
}

/**
 * What the daemon repaired in its persisted files since it started: every
 * store that moves bytes aside notes it here, and `orch daemon status`
 * shows the list, so a recovery is never silent.
 */
export class RecoveryLog {
  private readonly entries: Recovery[] = []

  note(entry: Omit<Recovery, 'at'> & { at?: number }): Recovery {
    const recovery: Recovery = { ...entry, at: entry.at ?? Date.now() }
    this.entries.push(recovery)
    return recovery
  }

  list(): Recovery[] {
    return this.entries.map((e) => ({ ...e }))
  }
}
