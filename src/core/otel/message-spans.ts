import type { Message } from '../queue/message.js'
import type { QueueEvents } from '../queue/queue-events.js'
import type { SpanRecord } from './span-record.js'
import { spanIdOf, traceIdOf } from './trace-ids.js'

/** The causation parent: the message whose handler sent this one, else the request a reply answers. */
export function parentIdOf(m: Message): string | undefined {
  return m.parentId ?? m.inReplyTo
}

/** What orch knows of a message between 'sent' and its end. */
interface OpenMessage {
  traceId: string
  spanId: string
  parentSpanId?: string
  start: number
  /** when the current wait for a delivery began (stored, or the end of the last attempt) */
  waitStart: number
  /** the delivery being handled: its start and recipient */
  handling?: { start: number; recipient: string; attempt: number }
  lastRecipient?: string
  expired?: boolean
  /** a dead letter replayed: the how-manieth time */
  replay?: number
}

/** Messages followed at once; past it the oldest is forgotten (its span is never sent). */
export const MAX_OPEN_MESSAGES = 50_000
/** Dead letters remembered, so that a replayed one gets a span of its own. */
const MAX_ENDED_REMEMBERED = 10_000

type Subscribable = {
  on<K extends keyof QueueEvents>(event: K, fn: QueueEvents[K]): unknown
  off<K extends keyof QueueEvents>(event: K, fn: QueueEvents[K]): unknown
}

/**
 * Turns the queue's events into spans: one per message, from stored to its
 * end (acked, dead-lettered, expired), with a child for each wait in the
 * queue (stored or requeued → delivered) and each handling (delivered →
 * acked or nacked). The trace id comes from the correlation id (else the
 * parent's trace, else the message's own id); the parent span is the message
 * that caused this one (its `parentId`, or the request a reply answers).
 * Spans are emitted when they end; nothing here knows OpenTelemetry.
 */
export class MessageSpans {
  private readonly open = new Map<string, OpenMessage>()
  /** ids of messages whose span ended, with how many times: a dead letter replayed (`orch queue replay`) comes back with its id */
  private readonly ended = new Map<string, number>()
  private readonly listeners: { [K in keyof QueueEvents]?: QueueEvents[K] } = {}
  /** messages forgotten because too many were open */
  dropped = 0

  constructor(
    private readonly emit: (span: SpanRecord) => void,
    private readonly now: () => number = Date.now,
    /** called when a first message is forgotten (MAX_OPEN_MESSAGES) */
    private readonly onFirstForget?: () => void,
  ) {
    this.listeners = {
      sent: (m) => this.onSent(m),
      delivered: (m, r) => this.onDelivered(m, r),
      acked: (m, r) => this.onAcked(m, r),
      nacked: (m, r, err) => this.onNacked(m, r, err),
      expired: (m) => {
        this.follow(m).expired = true
      },
      deadLettered: (m, reason) => this.onDead(m, reason),
    }
  }

  attach(queue: Subscribable): () => void {
    const entries = Object.entries(this.listeners) as Array<[keyof QueueEvents, never]>
    for (const [event, fn] of entries) queue.on(event, fn)
    return () => {
      for (const [event, fn] of entries) queue.off(event, fn)
    }
  }

  get openCount(): number {
    return this.open.size
  }

  private onSent(m: Message): void {
    this.follow(m)
  }

  private onDelivered(m: Message, recipient: string): void {
    const o = this.follow(m)
    const now = this.now()
    // the last delivery ended without an ack or a nack (lease expired, recipient gone): seen only now
    if (o.handling) this.endHandling(m, o, now, 'lost', m.lastError ?? 'the delivery ended without an ack or a nack')
    const attributes = this.common(m, recipient)
    attributes['orch.attempt'] = m.attempts + 1
    this.emit(this.child(o, `wait/${m.attempts}`, 'queue wait', 'internal', o.waitStart, now, attributes, undefined))
    o.handling = { start: now, recipient, attempt: m.attempts + 1 }
    o.lastRecipient = recipient
  }

  private onAcked(m: Message, recipient: string): void {
    const o = this.follow(m)
    const now = this.now()
    if (o.handling) this.endHandling(m, o, now, 'acked')
    this.endMessage(m, o, now, 'acked', undefined, recipient)
  }

  private onNacked(m: Message, _recipient: string, error: string): void {
    const o = this.follow(m)
    const now = this.now()
    if (o.handling) this.endHandling(m, o, now, 'nacked', error)
    o.waitStart = now
  }

  private onDead(m: Message, reason: string): void {
    const o = this.follow(m)
    const now = this.now()
    if (o.handling) this.endHandling(m, o, now, 'lost', reason)
    this.endMessage(m, o, now, o.expired ? 'expired' : 'dead', reason, o.lastRecipient)
  }

  private endHandling(m: Message, o: OpenMessage, end: number, outcome: string, error?: string): void {
    const h = o.handling!
    o.handling = undefined
    o.waitStart = end
    const attributes = this.common(m, h.recipient)
    attributes['messaging.operation.type'] = 'process'
    attributes['orch.attempt'] = h.attempt
    attributes['orch.outcome'] = outcome
    this.emit(this.child(o, `handle/${h.attempt}`, `handle ${m.type}`, 'consumer', h.start, end, attributes, error))
  }

  private endMessage(m: Message, o: OpenMessage, end: number, outcome: string, error: string | undefined, recipient: string | undefined): void {
    this.open.delete(m.id)
    // only dead letters can come back
    if (outcome !== 'acked') {
      if (this.ended.size >= MAX_ENDED_REMEMBERED) this.ended.delete(this.ended.keys().next().value!)
      this.ended.set(m.id, (this.ended.get(m.id) ?? 0) + 1)
    }
    const attributes = this.common(m, recipient ?? m.to)
    attributes['messaging.operation.type'] = 'send'
    attributes['orch.sender'] = m.from
    attributes['orch.priority'] = m.priority
    attributes['orch.attempts'] = m.attempts
    attributes['orch.outcome'] = outcome
    if (m.correlationId !== undefined) attributes['messaging.message.conversation_id'] = m.correlationId
    const parentId = parentIdOf(m)
    if (parentId !== undefined) attributes['orch.parent_id'] = parentId
    if (m.topic !== undefined) attributes['orch.topic'] = m.topic
    if (o.replay !== undefined) attributes['orch.replay'] = o.replay
    const span: SpanRecord = { traceId: o.traceId, spanId: o.spanId, name: `${m.type} → ${m.to}`, kind: 'producer', start: o.start, end, attributes }
    if (o.parentSpanId) span.parentSpanId = o.parentSpanId
    if (error !== undefined) span.error = error
    this.emit(span)
  }

  /** A child span: the message's trace, its own id, the message's span as parent. */
  private child(o: OpenMessage, part: string, name: string, kind: SpanRecord['kind'], start: number, end: number, attributes: SpanRecord['attributes'], error: string | undefined): SpanRecord {
    const span: SpanRecord = { traceId: o.traceId, spanId: spanIdOf(o.spanId, part), parentSpanId: o.spanId, name, kind, start, end, attributes }
    if (error !== undefined) span.error = error
    return span
  }

  private common(m: Message, agent: string): SpanRecord['attributes'] {
    return {
      'messaging.system': 'orch',
      'messaging.destination.name': m.to,
      'messaging.message.id': m.id,
      'orch.agent': agent,
      'orch.type': m.type,
    }
  }

  /** The message's state; a message stored before this daemon (or before tracing was on) is taken up where it is. */
  private follow(m: Message): OpenMessage {
    const known = this.open.get(m.id)
    if (known) return known
    const parentId = parentIdOf(m)
    const parent = parentId !== undefined ? this.open.get(parentId) : undefined
    const traceId = m.correlationId !== undefined ? traceIdOf(m.correlationId) : (parent?.traceId ?? traceIdOf(m.id))
    const o: OpenMessage = { traceId, spanId: spanIdOf(m.id), start: m.createdAt, waitStart: m.createdAt }
    // a parent in another trace (another correlation id), or one not followed of a message without a correlation id
    // (its trace is unknown), is named by the orch.parent_id attribute only
    const sameTrace = parent ? parent.traceId === traceId : m.correlationId !== undefined
    if (parentId !== undefined && sameTrace) o.parentSpanId = spanIdOf(parentId)
    const replays = this.ended.get(m.id)
    if (replays !== undefined) {
      // a replayed dead letter: a new span under its first one, from the replay on
      const now = this.now()
      Object.assign(o, { spanId: spanIdOf(m.id, `replay/${replays}`), parentSpanId: spanIdOf(m.id), start: now, waitStart: now, replay: replays })
    }
    if (this.open.size >= MAX_OPEN_MESSAGES) {
      const oldest = this.open.keys().next().value
      if (oldest !== undefined) this.open.delete(oldest)
      if (this.dropped++ === 0) this.onFirstForget?.()
    }
    this.open.set(m.id, o)
    return o
  }
}
