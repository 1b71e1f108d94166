import { readFile, rename, stat, unlink } from 'node:fs/promises'
import { AppendFile } from '../queue/append-file.js'
import { replaceFile } from '../queue/replace-file.js'
import type { HistoryBound } from './history-bound.js'
import { eventsInLine, eventsOfLine, timeOfLine, type HistoryEvent } from './history-event.js'
import type { Message } from '../queue/message.js'
import { LineBuffer } from './line-buffer.js'
import { OpenEvents } from './open-events.js'

/**
 * Events wait this long in memory before they are written (those of a
 * message stored within the last interval, one more): one append per
 * interval, whatever the rate (never one write per event), and a kill -9 of
 * the daemon loses at most two intervals of history. A graceful stop writes
 * them all.
 */
export const HISTORY_FLUSH_MS = 50

/**
 * data/history.log: the lifecycle events of messages, one JSON line each,
 * apart from the queue's file so that the queue's writes stay as they are.
 * Appends are batched and never fsynced (history is for people: a power cut
 * may lose the last moments of it, never a message). A torn last line (a
 * write cut short by a crash) is cut off at open.
 *
 * Bounded by `maxEvents` and `maxAgeMs` the way supervisord and logrotate
 * bound a log: once the file holds `maxEvents` events, or its oldest is past
 * `maxAgeMs`, it is renamed to `history.log.1` (replacing the one before)
 * and a new file begins; `history.log.1` goes once its newest event is past
 * `maxAgeMs`. Reading takes the newest `maxEvents` events younger than
 * `maxAgeMs` from both, so what is read is exactly the bound, while the disk
 * holds up to twice `maxEvents`. Keeping the bound costs a rename per
 * `maxEvents` events: it used to be a rewrite of the file per quarter of
 * them, about a tenth of the daemon's CPU under a sustained load
 * (docs/benchmarks.md). Only a bound lowered below what the files hold
 * rewrites them (once).
 */
export class HistoryLog {
  private readonly buffer = new LineBuffer()
  /** events held until the write, folded into as few lines as they can be */
  private readonly open = new OpenEvents((line, events) => {
    this.buffer.push(line)
    this.bufferedEvents += events
  })
  /** the events in `buffer` (a line holds one to three) */
  private bufferedEvents = 0
  private timer: NodeJS.Timeout | undefined
  private chain: Promise<void> = Promise.resolve()
  private closed = false
  /** appends made since open: one per flush, however many events it held */
  appends = 0
  /** the events in history.log.1; NaN when not counted (after open: only a lowered bound needs the count) */
  private previousEvents = Number.NaN
  /** the time of history.log.1's newest event (its last write); NaN when there is none */
  private previousNewest = Number.NaN
  /** the last rotation failed: the bound is kept by rewriting history.log in place */
  private cannotRotate = false

  private constructor(
    readonly path: string,
    private file: AppendFile | null,
    /** the events of the complete lines in the file (the bound counts events, and a line holds one to three) */
    private events: number,
    /** the time of its first line; NaN when empty */
    private oldest: number,
    private bound: HistoryBound,
    private readonly onError: (err: Error) => void,
    private readonly now: () => number,
  ) {}

  /** The file before this one: `history.log.1`. */
  get previousPath(): string {
    return `${this.path}.1`
  }

  /** Opens (creating it when missing); `tornBytes` says how much of a torn last line was cut off. */
  static async open(
    path: string,
    bound: HistoryBound,
    onError: (err: Error) => void,
    now: () => number = Date.now,
  ): Promise<{ log: HistoryLog; tornBytes: number }> {
    const file = await AppendFile.open(path)
    const buf = await readFile(path)
    const complete = buf.lastIndexOf(0x0a) + 1
    const tornBytes = buf.length - complete
    if (tornBytes > 0) await file.truncate(complete)
    const events = countEvents(buf, complete)
    const oldest = events > 0 ? timeOfLine(buf.toString('utf8', 0, Math.min(complete, 64)), 0) : Number.NaN
    const log = new HistoryLog(path, file, events, oldest, bound, onError, now)
    log.queue(() => log.notePrevious())
    log.queue(() => log.keepBound())
    return { log, tornBytes }
  }

  get settings(): HistoryBound {
    return this.bound
  }

  /** Takes effect at once: a lower bound rewrites the files now when they hold more than it keeps; disabled, nothing more is recorded (what is kept stays readable). */
  setBound(bound: HistoryBound): void {
    const lower = bound.maxEvents < this.bound.maxEvents
    this.bound = bound
    if (!bound.enabled) {
      this.buffer.clear()
      this.bufferedEvents = 0
      this.open.clear()
    }
    this.queue(() => (lower ? this.keepLowerBound() : this.keepBound()))
  }

  /**
   * Buffers an event. The events of a message that come before the next
   * write fold into one line when they can (see OpenEvents); the three of
   * every message have methods of their own, which make no event objects.
   */
  add(e: HistoryEvent): void {
    if (this.closed || !this.bound.enabled) return
    this.open.add(e)
    this.schedule()
  }

  stored(m: Message): void {
    if (this.closed || !this.bound.enabled) return
    this.open.stored(m)
    this.schedule()
  }

  delivered(id: string, t: number, instance: string, attempt: number): void {
    if (this.closed || !this.bound.enabled) return
    this.open.delivered(id, t, instance, attempt)
    this.schedule()
  }

  acked(id: string, t: number, instance: string): void {
    if (this.closed || !this.bound.enabled) return
    this.open.acked(id, t, instance)
    this.schedule()
  }

  private schedule(): void {
    if (!this.timer) {
      this.timer = setTimeout(() => void this.flush(true), HISTORY_FLUSH_MS)
      this.timer.unref()
    }
  }

  /**
   * Writes what is buffered; resolves once written (or failed: a failure
   * goes to onError, never to the caller). The timer's flush keeps the
   * messages stored less than an interval ago for the next one (so a
   * message is held at most two intervals): most are acked by then, and are
   * one line.
   */
  flush(timed = false): Promise<void> {
    if (this.timer) clearTimeout(this.timer)
    this.timer = undefined
    this.open.drain(timed ? this.now() - HISTORY_FLUSH_MS : Number.POSITIVE_INFINITY)
    if (this.open.size > 0) this.schedule()
    if (this.buffer.lines > 0) {
      const batch = this.buffer.take()
      const events = this.bufferedEvents
      this.bufferedEvents = 0
      this.queue(() => this.write(batch, events))
    }
    return this.chain
  }

  /** The events the bound keeps, oldest first, those still buffered included. A line that is not an event is skipped. */
  async read(): Promise<HistoryEvent[]> {
    await this.flush()
    // both files are read in one turn of the chain: a rotation cannot move lines between the two reads
    const text = await this.inTurn(async () => {
      // a history.log.1 that cannot be read (the writes tell why) leaves the newer events
      const previous = await readIfThere(this.previousPath).catch(() => Buffer.alloc(0))
      return Buffer.concat([previous, await readIfThere(this.path)]).toString('utf8')
    })
    const lines = text.split('\n')
    lines.pop() // after the last '\n': empty, or a line being written
    const cutoff = this.now() - this.bound.maxAgeMs
    // the newest maxEvents events, from the end
    const kept: HistoryEvent[][] = []
    let count = 0
    for (let i = lines.length - 1; i >= 0 && count < this.bound.maxEvents; i--) {
      let events = eventsOfLine(lines[i]!)
      if (count + events.length > this.bound.maxEvents) events = events.slice(count + events.length - this.bound.maxEvents)
      count += events.length
      kept.push(events)
    }
    const events: HistoryEvent[] = []
    for (let i = kept.length - 1; i >= 0; i--) for (const e of kept[i]!) if (e.t >= cutoff) events.push(e)
    return events
  }

  async close(): Promise<void> {
    await this.flush()
    this.closed = true
    await this.chain
    await this.file?.close().catch(() => {})
  }

  /** `op` in the chain's order, its result or error to the caller. */
  private inTurn<T>(op: () => Promise<T>): Promise<T> {
    const run = this.chain.then(op)
    this.chain = run.then(noop, noop)
    return run
  }

  /** One file operation at a time, in order; none fails the next. */
  private queue(op: () => Promise<void>): void {
    this.chain = this.chain.then(op).catch((err: unknown) => this.onError(err instanceof Error ? err : new Error(String(err))))
  }

  private async write(batch: Buffer, events: number): Promise<void> {
    if (this.closed && batch.length === 0) return
    // a rotation that could not open the new file leaves it to the next write
    this.file ??= await AppendFile.open(this.path)
    await this.file.append(batch, false)
    this.appends++
    if (this.events === 0) this.oldest = timeOfLine(batch.toString('latin1', 0, Math.min(batch.length, 32)), 0)
    this.events += events
    await this.keepBound()
  }

  /**
   * After each write (and at open): the file is rotated once it holds
   * maxEvents events or its oldest is past maxAgeMs, and the previous one
   * goes once its newest is past maxAgeMs.
   */
  private async keepBound(): Promise<void> {
    const { maxEvents, maxAgeMs } = this.bound
    const cutoff = this.now() - maxAgeMs
    if (this.previousNewest < cutoff) await this.dropPrevious()
    // while history.log.1 cannot be replaced, history.log is rewritten in place, once per quarter of the bound
    const limit = this.cannotRotate ? maxEvents + Math.ceil(maxEvents / 4) : maxEvents
    if (this.events >= limit || (this.events > 0 && this.oldest < cutoff)) await this.rotate()
  }

  /** A bound lowered below what the files hold: they are rewritten to it, once. */
  private async keepLowerBound(): Promise<void> {
    if (Number.isNaN(this.previousEvents)) {
      const buf = await readIfThere(this.previousPath)
      this.previousEvents = countEvents(buf, buf.lastIndexOf(0x0a) + 1)
    }
    const held = this.events + this.previousEvents
    if (held > this.bound.maxEvents) await this.compact()
    else await this.keepBound()
  }

  /**
   * history.log becomes history.log.1 (replacing it) and a new history.log
   * begins. When the rename fails (history.log.1 made a directory, say),
   * history.log alone is rewritten to the bound, and the error is told.
   */
  private async rotate(): Promise<void> {
    await this.file?.close()
    this.file = null
    try {
      await rename(this.path, this.previousPath)
      this.cannotRotate = false
    } catch (err) {
      this.cannotRotate = true
      await this.compact(false)
      throw err
    }
    this.previousEvents = this.events
    this.previousNewest = this.now()
    this.events = 0
    this.oldest = Number.NaN
    this.file = await AppendFile.open(this.path)
  }

  /** Deletes history.log.1; a failure is told once (it is not tried again until the next rotation). */
  private async dropPrevious(): Promise<void> {
    this.previousEvents = 0
    this.previousNewest = Number.NaN
    await unlink(this.previousPath).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'ENOENT') throw err
    })
  }

  /** When history.log.1 was last written (its newest event), from its mtime, in the background after open. */
  private async notePrevious(): Promise<void> {
    try {
      this.previousNewest = (await stat(this.previousPath)).mtimeMs
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
      this.previousEvents = 0
    }
  }

  /**
   * Rewrites the two files as one history.log holding the lines of the
   * newest maxEvents events younger than maxAgeMs (a line is cut whole, so
   * up to two more events may stay): only when the bound was lowered below
   * what they hold (rotation keeps it otherwise). Works on bytes: the cut is found by stepping back over
   * newlines and reading the times at line starts.
   */
  private async compact(withPrevious = true): Promise<void> {
    const buf = withPrevious ? Buffer.concat([await readIfThere(this.previousPath), await readFile(this.path)]) : await readFile(this.path)
    const end = buf.lastIndexOf(0x0a) + 1
    let cut = end
    let kept = 0
    while (kept < this.bound.maxEvents && cut > 0) {
      const lineEnd = cut - 1
      // a negative start would make lastIndexOf count from the end
      cut = cut >= 2 ? buf.lastIndexOf(0x0a, cut - 2) + 1 : 0
      kept += eventsInLine(buf, cut, lineEnd)
    }
    const cutoff = this.now() - this.bound.maxAgeMs
    // lines are in time order, give or take a store write; a damaged line (no time) goes too
    while (cut < end && !(timeOfLine(buf.toString('latin1', cut, Math.min(end, cut + 32)), 0) >= cutoff)) {
      const next = buf.indexOf(0x0a, cut) + 1
      kept -= eventsInLine(buf, cut, next - 1)
      cut = next
    }
    await this.file?.close()
    this.file = null
    await replaceFile(this.path, buf.subarray(cut, end))
    this.events = kept
    this.oldest = kept > 0 ? timeOfLine(buf.toString('latin1', cut, Math.min(end, cut + 32)), 0) : Number.NaN
    this.file = await AppendFile.open(this.path)
    if (withPrevious) await this.dropPrevious()
  }
}

/** The events of the complete lines of `buf` (up to `complete`). */
function countEvents(buf: Buffer, complete: number): number {
  let events = 0
  for (let start = 0, nl = buf.indexOf(0x0a); nl !== -1 && nl < complete; start = nl + 1, nl = buf.indexOf(0x0a, start)) {
    events += eventsInLine(buf, start, nl)
  }
  return events
}

/** A file's bytes, or none when it does not exist. */
async function readIfThere(path: string): Promise<Buffer> {
  try {
    return await readFile(path)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return Buffer.alloc(0)
    throw err
  }
}

function noop(): void {}
