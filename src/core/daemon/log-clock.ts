import { closeSync, type FSWatcher, fstatSync, openSync, readdirSync, statSync, truncateSync, watch, writeFileSync, writeSync } from 'node:fs'
import { join } from 'node:path'
import type { Logger } from '../log/logger.js'
import { encodeHeader, encodeMark, HEADER_BYTES, indexPath, type Mark, RECORD_BYTES, TimeIndexReader } from '../log/time-index.js'

/** After the first change seen in a file, how long the daemon waits before marking it: lines written within it share one time. */
export const MARK_WINDOW_MS = 50
/** Every log file is looked at this often when the folder cannot be watched (the monitor's default interval). */
export const SWEEP_MS = 1_000
/**
 * And this often while it is watched, in case a change event was missed
 * (inotify drops events only when its queue overflows): a stat of every log
 * file each second cost an idle daemon with 50 agents about 0.1 % of a core.
 */
export const WATCHED_SWEEP_MS = 10_000

const isAgentLog = (name: string): boolean => name.endsWith('.out.log') || name.endsWith('.err.log')

/**
 * Gives agent output times without standing in its way: agents write to
 * their log files directly, and the daemon watches the logs folder and
 * appends "offset → time" marks to each file's index (see time-index.ts).
 * A mark's time is the file's mtime, the time of its last write, so a line
 * is at most MARK_WINDOW_MS late while a daemon runs (up to WATCHED_SWEEP_MS
 * if a change event is lost, SWEEP_MS when the folder cannot be watched). Output written while no daemon ran is marked when the
 * next one starts, with the file's mtime and the approximate flag.
 */
export class LogClock {
  private readonly last = new Map<string, Mark>()
  private readonly pending = new Map<string, NodeJS.Timeout>()
  /** files seen to change since the last takeChanged(): the only ones the log rotator needs to look at */
  private changed = new Set<string>()
  private watcher: FSWatcher | null = null
  private sweeper: NodeJS.Timeout | null = null

  constructor(
    private readonly logsDir: string,
    private readonly log: Logger,
  ) {}

  start(): void {
    // what was written while no daemon ran: one approximate mark per file, after the index's last
    this.last.clear()
    for (const file of this.files()) this.note(file, true)
    try {
      this.watcher = watch(this.logsDir, (_event, name) => {
        if (name && isAgentLog(name)) this.soon(join(this.logsDir, name))
      })
      this.watcher.on('error', (err) => {
        this.log.warn('cannot watch the logs folder; log lines are timed every second', { err })
        this.watcher?.close()
        this.watcher = null
        this.sweep(SWEEP_MS)
      })
    } catch (err) {
      this.log.warn('cannot watch the logs folder; log lines are timed every second', { err })
    }
    this.sweep(this.watcher ? WATCHED_SWEEP_MS : SWEEP_MS)
  }

  private sweep(everyMs: number): void {
    if (this.sweeper) clearInterval(this.sweeper)
    this.sweeper = setInterval(() => {
      for (const file of this.files()) this.note(file)
    }, everyMs)
    this.sweeper.unref()
  }

  stop(): void {
    this.watcher?.close()
    this.watcher = null
    if (this.sweeper) clearInterval(this.sweeper)
    this.sweeper = null
    for (const t of this.pending.values()) clearTimeout(t)
    this.pending.clear()
    // what landed since the last mark: the next daemon would otherwise mark it approximate
    for (const file of this.files()) this.note(file)
  }

  /** Marks `file` now, so a rotation copies an index that covers it. */
  markNow(file: string): void {
    this.note(file)
  }

  /** The files seen to grow (or be emptied) since the last call. */
  takeChanged(): Set<string> {
    const out = this.changed
    this.changed = new Set()
    return out
  }

  /** `file` was rotated: its index went with the copy, the next mark starts a new one. */
  rotated(file: string): void {
    this.last.delete(file)
  }

  private files(): string[] {
    try {
      return readdirSync(this.logsDir).filter(isAgentLog).map((n) => join(this.logsDir, n))
    } catch {
      return []
    }
  }

  private soon(file: string): void {
    if (this.pending.has(file)) return
    const t = setTimeout(() => {
      this.pending.delete(file)
      this.note(file)
    }, MARK_WINDOW_MS)
    t.unref()
    this.pending.set(file, t)
  }

  /** Appends a mark when `file` grew since its last one; never throws (a full disk costs times, not the daemon). */
  private note(file: string, atStart = false): void {
    try {
      let st
      try {
        st = statSync(file)
      } catch {
        this.last.delete(file)
        return
      }
      let prev = this.last.get(file) ?? (atStart ? lastMark(file, st.size) : undefined)
      if (prev && st.size < prev.offset) prev = undefined // emptied (orch flush): a new index
      if (prev && st.size === prev.offset) {
        this.last.set(file, prev)
        return
      }
      if (!prev && st.size === 0) return
      this.changed.add(file)
      const mark: Mark = { offset: st.size, time: Math.max(st.mtimeMs, prev?.time ?? 0), approx: atStart }
      writeMark(indexPath(file), mark, !prev)
      this.last.set(file, mark)
    } catch (err) {
      this.log.warn('cannot write a log time index', { file, err })
    }
  }
}

/** Appends `mark`, or starts the index with it when `fresh` or when the index went away (a header first). */
function writeMark(idx: string, mark: Mark, fresh: boolean): void {
  if (fresh) {
    writeFileSync(idx, Buffer.concat([encodeHeader(), encodeMark(mark)]), { mode: 0o600 })
    return
  }
  const fd = openSync(idx, 'a', 0o600)
  try {
    const size = fstatSync(fd).size
    writeSync(fd, size < HEADER_BYTES ? Buffer.concat([encodeHeader(), encodeMark(mark)]) : encodeMark(mark))
  } finally {
    closeSync(fd)
  }
}

/**
 * The last mark of a file's index, when the index is sound and still fits
 * the file; a torn last record (a daemon killed mid-write) is cut off, so
 * the next mark lands on a record boundary.
 */
function lastMark(file: string, size: number): Mark | undefined {
  try {
    const idxSize = statSync(indexPath(file)).size
    const whole = HEADER_BYTES + Math.floor(Math.max(0, idxSize - HEADER_BYTES) / RECORD_BYTES) * RECORD_BYTES
    if (idxSize > HEADER_BYTES && idxSize !== whole) truncateSync(indexPath(file), whole)
    const r = TimeIndexReader.open(file, () => size)
    if (!r) return undefined
    try {
      return r.count > 0 ? r.at(r.count - 1) : undefined
    } finally {
      r.close()
    }
  } catch {
    return undefined
  }
}
