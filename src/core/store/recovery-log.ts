/** What a store dropped from a damaged file so the daemon could start. */
export interface RecoveryNote {
  /** the damaged file */
  file: string
  /** how many lines (or records) could not be read */
  lines: number
  /** where the unreadable bytes were moved; null when they could not be kept (e.g. the disk is full) */
  movedTo: string | null
  /** what was wrong, for a person */
  reason: string
  /** ms since the epoch */
  at: number
}

/**
 * The daemon's list of repairs made at start-up, shown by `orch daemon
 * status`. Stores note what they moved aside; `onNote` (the daemon's log)
 * hears each note as it is made.
 */
export class RecoveryLog {
  private readonly notes: RecoveryNote[] = []

  constructor(private readonly onNote: (note: RecoveryNote) => void = () => {}) {}

  note(n: Omit<RecoveryNote, 'at'>): void {
    const note = { ...n, at: Date.now() }
    this.notes.push(note)
    this.onNote(note)
  }

  list(): RecoveryNote[] {
    return this.notes.map((n) => ({ ...n }))
  }
}
