/** What a store dropped from a damaged file so the daemon could start. */
export interface RecoveryNote {
  /** the damaged file, absolute path */
  file: string
  /** how many lines (records, documents, entries) could not be read */
  lines: number
  /** where the unreadable bytes were moved; null when they could not be kept (e.g. the disk is full) */
  movedTo: string | null
  /** what was wrong, in words a person can act on */
  reason: string
  /** ms since the epoch */
  at: number
}

/**
 * What the daemon repaired in its persisted files since it started: every
 * store that moves bytes aside notes it here, `onNote` (the daemon's log)
 * hears each note as it is made, and `orch daemon status` shows the list, so
 * a recovery is never silent.
 */
export class RecoveryLog {
  private readonly notes: RecoveryNote[] = []

  constructor(private readonly onNote: (note: RecoveryNote) => void = () => {}) {}

  note(n: Omit<RecoveryNote, 'at'> & { at?: number }): RecoveryNote {
    const note: RecoveryNote = { ...n, at: n.at ?? Date.now() }
    this.notes.push(note)
    this.onNote(note)
    return note
  }

  list(): RecoveryNote[] {
    return this.notes.map((n) => ({ ...n }))
  }
}
