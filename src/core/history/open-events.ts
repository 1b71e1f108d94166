import type { Message } from '../queue/message.js'
import { jsonString } from '../json-string.js'
import { historyLine, messageFields, type HistoryEvent } from './history-event.js'

/**
 * A message's events not written yet, while they can still fold into one
 * line: one small record per message, pointing at the message itself (which
 * the queue holds anyway) rather than at event objects of its own, so that
 * little survives the young-generation collections of a burst.
 */
interface Open {
  /** the time of its first event held */
  since: number
  /** the stored message (a Message, or a 'stored' event given to add()) */
  stored?: Message | HistoryEvent
  /** its first delivery: time (NaN: none yet), instance, attempt */
  deliveredAt: number
  instance?: string
  attempt?: number
}

/**
 * Folds the events of a message that come within one write of the history
 * into as few lines as they can be: most messages are stored, delivered and
 * acked within the flush interval, and are then ONE line (the 'stored' line
 * carrying `instance`, `attempt`, `deliveredAt` and `ackedAt`); one whose
 * ack comes later is a 'stored' line with its delivery, then an 'acked'
 * line. Any other event of a message writes what is held first, so that a
 * message's lines stay in the order its events came. `eventsOfLine` gives
 * the events back. One line instead of three is most of what the history
 * costs the daemon per message (building lines, buffers, the write).
 */
export class OpenEvents {
  private readonly open = new Map<string, Open>()

  /** `out` receives the lines, in order, with how many events each holds */
  constructor(private readonly out: (line: string, events: number) => void) {}

  /** A message was stored (`createdAt` is its time). */
  stored(m: Message | HistoryEvent): void {
    const o = this.open.get(m.id)
    if (o !== undefined) this.settle(m.id, o)
    this.open.set(m.id, { since: 'ev' in m ? m.t : m.createdAt, stored: m, deliveredAt: Number.NaN })
  }

  delivered(id: string, t: number, instance: string, attempt: number): void {
    const o = this.open.get(id)
    if (o !== undefined && Number.isNaN(o.deliveredAt)) {
      o.deliveredAt = t
      o.instance = instance
      o.attempt = attempt
      return
    }
    if (o !== undefined) this.settle(id, o)
    this.open.set(id, { since: t, deliveredAt: t, instance, attempt })
  }

  acked(id: string, t: number, instance: string): void {
    const o = this.open.get(id)
    if (o !== undefined && !Number.isNaN(o.deliveredAt) && o.instance === instance) {
      this.open.delete(id)
      this.out(foldedLine(id, o, t), o.stored === undefined ? 2 : 3)
      return
    }
    this.other({ t, ev: 'acked', id, instance })
  }

  /** Any event: those three go to their own method; another writes what is held of its message first. */
  add(e: HistoryEvent): void {
    if (e.ev === 'stored') this.stored(e)
    else if (e.ev === 'delivered' && e.instance !== undefined && e.attempt !== undefined) this.delivered(e.id, e.t, e.instance, e.attempt)
    else if (e.ev === 'acked' && e.instance !== undefined) this.acked(e.id, e.t, e.instance)
    else this.other(e)
  }

  /**
   * Writes what is held (before a write of the file): everything, or only
   * the messages whose first event is older than `before` — a message
   * stored just now will likely be acked before the next write, and is then
   * one line rather than two.
   */
  drain(before = Number.POSITIVE_INFINITY): void {
    // held in the order their first event came: stop at the first one too young
    for (const [id, o] of this.open) {
      if (o.since >= before) break
      this.open.delete(id)
      this.write(id, o)
    }
  }

  get size(): number {
    return this.open.size
  }

  clear(): void {
    this.open.clear()
  }

  private other(e: HistoryEvent): void {
    const o = this.open.get(e.id)
    if (o !== undefined) this.settle(e.id, o)
    this.out(historyLine(e), 1)
  }

  private settle(id: string, o: Open): void {
    this.open.delete(id)
    this.write(id, o)
  }

  private write(id: string, o: Open): void {
    if (!Number.isNaN(o.deliveredAt)) this.out(foldedLine(id, o), o.stored === undefined ? 1 : 2)
    else if (o.stored !== undefined) this.out(`${storedHead(o.stored)}}`, 1)
  }
}

/**
 * The 'stored' line of a message, without its closing brace: what
 * historyLine(storedEvent(m)) writes (same fields, same order), made from
 * the message with no event object in between.
 */
export function storedHead(s: Message | HistoryEvent): string {
  if ('ev' in s) return historyLine(s).slice(0, -1)
  return `{"t":${s.createdAt},"ev":"stored","id":${jsonString(s.id)}${messageFields(s)}`
}

/** The line of a delivery: with its message's 'stored' event and its ack when they are held. */
function foldedLine(id: string, o: Open, ackedAt?: number): string {
  if (o.stored === undefined) {
    const e: HistoryEvent = ackedAt === undefined
      ? { t: o.deliveredAt, ev: 'delivered', id, instance: o.instance, attempt: o.attempt }
      // an 'acked' that carries its delivery, as written before 'stored' lines could fold
      : { t: ackedAt, ev: 'acked', id, instance: o.instance, attempt: o.attempt, deliveredAt: o.deliveredAt }
    return historyLine(e)
  }
  let line = `${storedHead(o.stored)},"instance":${jsonString(o.instance!)},"attempt":${o.attempt},"deliveredAt":${o.deliveredAt}`
  if (ackedAt !== undefined) line += `,"ackedAt":${ackedAt}`
  return `${line}}`
}
