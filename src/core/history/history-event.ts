import type { Message } from '../queue/message.js'

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

/** The time of a line written by us (`{"t":123,…`), without parsing it; NaN when it does not start so. */
export function timeOfLine(text: string, start: number): number {
  const prefix = '{"t":'
  if (!text.startsWith(prefix, start)) return Number.NaN
  let end = start + prefix.length
  while (end < text.length && text.charCodeAt(end) >= 48 && text.charCodeAt(end) <= 57) end++
  return Number(text.slice(start + prefix.length, end))
}
