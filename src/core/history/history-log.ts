import { readFile } from 'node:fs/promises'
import { AppendFile } from '../queue/append-file.js'
import { replaceFile } from '../queue/replace-file.js'
import { compactionSlack, type HistoryBound } from './history-bound.js'
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
 * may lose the last moments of it, never a message). Bounded by
 * `maxEvents` and `maxAgeMs`: past the bound plus a slack, the file is
 * rewritten with what the bound keeps (a temporary file renamed over it).
 * A torn last line (a write cut short by a crash) is cut off at open.
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

  private constructor(
    readonly path: string,
    private file: AppendFile,
    /** the events of the complete lines in the file (the bound counts events, and a line holds one to three) */
    private events: number,
    /** the time of its first line; NaN when empty */
    private oldest: number,
    private bound: HistoryBound,
    private readonly onError: (err: Error) => void,
    private readonly now: () => number,
  ) {}

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
    let events = 0
    for (let start = 0, nl = buf.indexOf(0x0a); nl !== -1 && nl < complete; start = nl + 1, nl = buf.indexOf(0x0a, start)) {
      events += eventsInLine(buf, start, nl)
    }
    const oldest = events > 0 ? timeOfLine(buf.toString('utf8', 0, Math.min(complete, 64)), 0) : Number.NaN
    const log = new HistoryLog(path, file, events, oldest, bound, onError, now)
    log.queue(() => log.compactIfDue())
    return { log, tornBytes }
  }

  get settings(): HistoryBound {
    return this.bound
  }

  /** Takes effect at once: a lower bound compacts now; disabled, nothing more is recorded (what is kept stays readable). */
  setBound(bound: HistoryBound): void {
    this.bound = bound
    if (!bound.enabled) {
      this.buffer.clear()
      this.bufferedEvents = 0
      this.open.clear()
    }
    this.queue(() => this.compactIfDue())
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
    let text: string
    try {
      text = await readFile(this.path, 'utf8')
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return []
      throw err
    }
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
    await this.file.close().catch(() => {})
  }

  /** One file operation at a time, in order; none fails the next. */
  private queue(op: () => Promise<void>): void {
    this.chain = this.chain.then(op).catch((err: unknown) => this.onError(err instanceof Error ? err : new Error(String(err))))
  }

  private async write(batch: Buffer, events: number): Promise<void> {
    if (this.closed && batch.length === 0) return
    await this.file.append(batch, false)
    this.appends++
    if (this.events === 0) this.oldest = timeOfLine(batch.toString('latin1', 0, Math.min(batch.length, 32)), 0)
    this.events += events
    await this.compactIfDue()
  }

  private isDue(): boolean {
    const { maxEvents, maxAgeMs } = this.bound
    if (this.events > maxEvents + compactionSlack(maxEvents)) return true
    // past the age by a quarter of it (an hour at most): a rewrite per hour at worst, not per write
    return this.oldest < this.now() - maxAgeMs - Math.min(maxAgeMs / 4, 3_600_000)
  }

  /**
   * Keeps the lines of the newest maxEvents events younger than maxAgeMs
   * (a line is cut whole, so up to two more events may stay). Works on bytes:
   * the cut is found by stepping back over newlines and reading the times
   * at line starts, so a compaction costs a read and a write of the file
   * and hardly any CPU (the daemon's event loop is not held up).
   */
  private async compactIfDue(): Promise<void> {
    if (!this.isDue()) return
    const buf = await readFile(this.path)
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
    await this.file.close()
    try {
      await replaceFile(this.path, buf.subarray(cut, end))
    } finally {
      this.file = await AppendFile.open(this.path)
    }
    this.events = kept
    this.oldest = kept > 0 ? timeOfLine(buf.toString('latin1', cut, Math.min(end, cut + 32)), 0) : Number.NaN
  }
}
