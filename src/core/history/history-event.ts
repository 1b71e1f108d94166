import type { Message } from '../queue/message.js'
import { jsonString } from '../json-string.js'

/** What happened to a message, in the order it can happen. */
export const HISTORY_EVENT_KINDS = ['stored', 'delivered', 'renewed', 'acked', 'nacked', 'lost', 'expired', 'deadLettered', 'replayed'] as const
export type HistoryEventKind = (typeof HISTORY_EVENT_KINDS)[number]

/**
 * One line of data/history.log. `t` comes first in every line, so that a
 * compaction finds where to cut by reading times, not by parsing documents.
 */
export interface HistoryEvent {
  /** ms since the epoch */
  t: number
  ev: HistoryEventKind
  /** the message's id */
  id: string
  /** stored: who sent it, to whom (as addressed, or a topic copy's subscriber), its type and causation */
  from?: string
  to?: string
  type?: string
  topic?: string
  correlationId?: string
  parentId?: string
  inReplyTo?: string
  priority?: number
  /** delivered, renewed, acked, nacked, lost: the instance (or CLI address) it concerns */
  instance?: string
  /** delivered: which delivery this is (1 for the first) */
  attempt?: number
  /** nacked, lost, deadLettered: why */
  error?: string
  /**
   * acked, in the file only: when the delivery it acks was made. A delivery
   * acked before the history's next write is one line, not two (see
   * HistoryLog.add); reading gives the 'delivered' event back.
   */
  deliveredAt?: number
  /**
   * stored, in the file only: when its delivery (`instance`, `attempt`,
   * `deliveredAt`) was acked. A message stored, delivered and acked within
   * one write of the history is one line (see OpenEvents).
   */
  ackedAt?: number
}

/** The 'stored' event of a message: everything the trace tree needs to place it. */
export function storedEvent(m: Message): HistoryEvent {
  const e: HistoryEvent = { t: m.createdAt, ev: 'stored', id: m.id, from: m.from, to: m.to, type: m.type, priority: m.priority }
  if (m.topic !== undefined) e.topic = m.topic
  if (m.correlationId !== undefined) e.correlationId = m.correlationId
  if (m.parentId !== undefined) e.parentId = m.parentId
  if (m.inReplyTo !== undefined) e.inReplyTo = m.inReplyTo
  return e
}

const KINDS = new Set<string>(HISTORY_EVENT_KINDS)

/**
 * The events of a line: a 'stored' line that carries its delivery
 * (`deliveredAt`, and `ackedAt` once acked) is the 'stored', 'delivered'
 * (and 'acked') events; an 'acked' line that carries its delivery is the
 * 'delivered' and the 'acked' ones.
 */
export function eventsOfLine(line: string): HistoryEvent[] {
  const e = parseHistoryLine(line)
  if (!e) return []
  if (!Number.isFinite(e.deliveredAt)) return [e]
  if (e.ev === 'stored') {
    const { deliveredAt, ackedAt, instance, attempt, ...stored } = e
    const delivered: HistoryEvent = { t: deliveredAt!, ev: 'delivered', id: e.id }
    if (instance !== undefined) delivered.instance = instance
    if (attempt !== undefined) delivered.attempt = attempt
    if (!Number.isFinite(ackedAt)) return [stored, delivered]
    const acked: HistoryEvent = { t: ackedAt!, ev: 'acked', id: e.id }
    if (instance !== undefined) acked.instance = instance
    return [stored, delivered, acked]
  }
  if (e.ev !== 'acked') return [e]
  const { deliveredAt, attempt, ...acked } = e
  const delivered: HistoryEvent = { t: deliveredAt!, ev: 'delivered', id: e.id }
  if (e.instance !== undefined) delivered.instance = e.instance
  if (attempt !== undefined) delivered.attempt = attempt
  return [delivered, acked]
}

/** An event from a line of the file, or null for a line that is not one (a torn or damaged line is skipped, never fatal). */
export function parseHistoryLine(line: string): HistoryEvent | null {
  let d: unknown
  try {
    d = JSON.parse(line)
  } catch {
    return null
  }
  if (typeof d !== 'object' || d === null) return null
  const e = d as Partial<HistoryEvent>
  if (!Number.isFinite(e.t) || typeof e.id !== 'string' || typeof e.ev !== 'string' || !KINDS.has(e.ev)) return null
  return e as HistoryEvent
}

const DELIVERED_AT = Buffer.from('"deliveredAt"')
const ACKED_AT = Buffer.from('"ackedAt"')

/**
 * How many events the line `buf[start, end)` holds, without parsing it: a
 * line carries its delivery (`deliveredAt`, 2 events) and its ack
 * (`ackedAt`, 3) as its last fields, so only its tail is read — a
 * compaction counts the events of every line it keeps.
 */
export function eventsInLine(buf: Buffer, start: number, end: number): number {
  let i = end - 1
  if (i <= start || buf[i] !== 0x7d /* } */) return 1
  i--
  while (i > start && buf[i]! >= 0x30 && buf[i]! <= 0x39) i--
  if (buf[i] !== 0x3a /* : */) return 1
  if (keyBefore(buf, start, i, ACKED_AT)) return 3
  return keyBefore(buf, start, i, DELIVERED_AT) ? 2 : 1
}

function keyBefore(buf: Buffer, start: number, colon: number, key: Buffer): boolean {
  const from = colon - key.length
  return from >= start && buf.compare(key, 0, key.length, from, colon) === 0
}

/** The time of a line written by us (`{"t":123,…`), without parsing it; NaN when it does not start so. */
export function timeOfLine(text: string, start: number): number {
  const prefix = '{"t":'
  if (!text.startsWith(prefix, start)) return Number.NaN
  let end = start + prefix.length
  while (end < text.length && text.charCodeAt(end) >= 48 && text.charCodeAt(end) <= 57) end++
  return Number(text.slice(start + prefix.length, end))
}

/** The fields a 'stored' event takes from its message, as they follow `id` in its line (a Message has them under the same names). */
type MessageFields = Pick<HistoryEvent, 'from' | 'to' | 'type' | 'priority' | 'topic' | 'correlationId' | 'parentId' | 'inReplyTo'>

/** `,"from":…,"to":…` and so on, each one present; '' for an event that has none (all but 'stored'). */
export function messageFields(m: MessageFields): string {
  let s = ''
  if (m.from !== undefined) s += `,"from":${jsonString(m.from)}`
  if (m.to !== undefined) s += `,"to":${jsonString(m.to)}`
  if (m.type !== undefined) s += `,"type":${jsonString(m.type)}`
  if (m.priority !== undefined) s += `,"priority":${m.priority}`
  if (m.topic !== undefined) s += `,"topic":${jsonString(m.topic)}`
  if (m.correlationId !== undefined) s += `,"correlationId":${jsonString(m.correlationId)}`
  if (m.parentId !== undefined) s += `,"parentId":${jsonString(m.parentId)}`
  if (m.inReplyTo !== undefined) s += `,"inReplyTo":${jsonString(m.inReplyTo)}`
  return s
}

/**
 * The line of an event: exactly JSON.stringify(e) (same keys, in the order storedEvent and the
 * recorder write them, `t` first), built by hand. Three events a message make this the history's hot
 * path: JSON.stringify of the objects cost about 7 µs a message, a sixth of
 * the daemon's whole work per message; this about a tenth of that.
 */
export function historyLine(e: HistoryEvent): string {
  let s = `{"t":${e.t},"ev":"${e.ev}","id":${jsonString(e.id)}${messageFields(e)}`
  if (e.instance !== undefined) s += `,"instance":${jsonString(e.instance)}`
  if (e.attempt !== undefined) s += `,"attempt":${e.attempt}`
  if (e.error !== undefined) s += `,"error":${jsonString(e.error)}`
  if (e.deliveredAt !== undefined) s += `,"deliveredAt":${e.deliveredAt}`
  if (e.ackedAt !== undefined) s += `,"ackedAt":${e.ackedAt}`
  return `${s}}`
}
