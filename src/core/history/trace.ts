import type * as v from 'valibot'
import { AmbiguousMessageIdError, NotInHistoryError } from '../errors/history-errors.js'
import type { TracedMessageSchema } from '../protocol/schemas/history-shapes.js'
import type { HistoryEvent } from './history-event.js'

export type TracedMessage = v.InferOutput<typeof TracedMessageSchema>

/** A prefix shorter than this is too likely to start many ids to be meant as one. */
export const MIN_ID_PREFIX = 8

/** The events of each message, by id, in the order they were recorded. */
export function byMessage(events: readonly HistoryEvent[]): Map<string, HistoryEvent[]> {
  const out = new Map<string, HistoryEvent[]>()
  for (const e of events) {
    const list = out.get(e.id)
    if (list) list.push(e)
    else out.set(e.id, [e])
  }
  return out
}

/** What the events of one message say about it. */
export function summarize(id: string, events: readonly HistoryEvent[]): TracedMessage {
  const m: TracedMessage = { id, attempts: 0, outcome: 'pending', events: [] }
  let lastDelivery: number | undefined
  let expired = false
  for (const e of events) {
    const { t, ev, instance, attempt, error } = e
    m.events.push({ t, ev, ...(instance !== undefined ? { instance } : {}), ...(attempt !== undefined ? { attempt } : {}), ...(error !== undefined ? { error } : {}) })
    switch (ev) {
      case 'stored':
        for (const f of ['from', 'to', 'type', 'topic', 'correlationId', 'parentId', 'inReplyTo'] as const) if (e[f] !== undefined) m[f] = e[f]
        m.queuedAt = t
        break
      case 'delivered':
        m.attempts++
        m.deliveredAt ??= t
        lastDelivery = t
        if (instance !== undefined) m.instance = instance
        m.outcome = 'inFlight'
        break
      case 'acked':
        m.outcome = 'acked'
        m.endedAt = t
        if (lastDelivery !== undefined) m.handledMs = t - lastDelivery
        break
      case 'nacked':
      case 'lost':
        m.outcome = 'retrying'
        if (error !== undefined) m.error = error
        if (lastDelivery !== undefined) m.handledMs = t - lastDelivery
        break
      case 'expired':
        expired = true
        break
      case 'deadLettered':
        m.outcome = expired ? 'expired' : 'dead'
        m.endedAt = t
        if (error !== undefined) m.error = error
        break
      case 'replayed':
        m.outcome = 'pending'
        expired = false
        delete m.endedAt
        break
      case 'renewed':
        break
    }
  }
  if (m.queuedAt !== undefined && m.deliveredAt !== undefined) m.waitedMs = m.deliveredAt - m.queuedAt
  if (m.queuedAt !== undefined && m.endedAt !== undefined) m.totalMs = m.endedAt - m.queuedAt
  return m
}

/**
 * The messages of a trace, in the order they were stored. `id` is a message
 * id (or a prefix of at least MIN_ID_PREFIX characters that starts exactly
 * one): that message and everything it caused, through `parentId`. Otherwise
 * a correlation id: the messages that carry it (or whose id it is) and
 * everything they caused.
 */
export function traceOf(events: readonly HistoryEvent[], id: string): { traceId: string; messages: TracedMessage[] } {
  const messages = byMessage(events)
  const stored = new Map<string, HistoryEvent>()
  const children = new Map<string, string[]>()
  for (const [mid, list] of messages) {
    const s = list.find((e) => e.ev === 'stored')
    if (!s) continue
    stored.set(mid, s)
    if (s.parentId !== undefined) children.set(s.parentId, [...(children.get(s.parentId) ?? []), mid])
  }
  let roots: string[]
  let traceId: string
  const exact = messages.has(id) ? id : undefined
  const byCorrelation = [...stored.values()].filter((s) => s.correlationId === id).map((s) => s.id)
  if (exact !== undefined && byCorrelation.length === 0) {
    roots = [exact]
    traceId = stored.get(exact)?.correlationId ?? exact
  } else if (byCorrelation.length > 0) {
    roots = exact !== undefined ? [exact, ...byCorrelation] : byCorrelation
    traceId = id
  } else {
    const matches = id.length >= MIN_ID_PREFIX ? [...messages.keys()].filter((k) => k.startsWith(id)) : []
    if (matches.length === 0) throw new NotInHistoryError(id)
    if (matches.length > 1) throw new AmbiguousMessageIdError(id, matches)
    roots = [matches[0]!]
    traceId = stored.get(matches[0]!)?.correlationId ?? matches[0]!
  }
  const seen = new Set<string>()
  const walk = [...roots]
  while (walk.length > 0) {
    const next = walk.pop()!
    if (seen.has(next)) continue
    seen.add(next)
    walk.push(...(children.get(next) ?? []))
  }
  // the order of the history: a message's 'stored' event comes before anything it caused
  const ordered = [...messages.keys()].filter((k) => seen.has(k))
  return { traceId, messages: ordered.map((k) => summarize(k, messages.get(k)!)) }
}

/** Finished messages (acked or dead), most recently finished first; `agent` keeps those to a name (any of its instances) or to one instance. */
export function finishedMessages(events: readonly HistoryEvent[], agent: string | undefined, limit: number): TracedMessage[] {
  const out: TracedMessage[] = []
  for (const [mid, list] of byMessage(events)) {
    const m = summarize(mid, list)
    if (m.endedAt === undefined) continue
    if (agent !== undefined && !concerns(m, agent)) continue
    out.push(m)
  }
  out.sort((a, b) => b.endedAt! - a.endedAt!)
  return out.slice(0, limit)
}

function concerns(m: TracedMessage, agent: string): boolean {
  for (const who of [m.to, m.instance]) {
    if (who === undefined) continue
    if (who === agent || (!agent.includes(':') && who.startsWith(`${agent}:`))) return true
  }
  return false
}
