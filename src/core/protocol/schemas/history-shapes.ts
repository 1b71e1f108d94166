import * as v from 'valibot'
import { HISTORY_EVENT_KINDS } from '../../history/history-event.js'
import { integer, note, opt } from './notes.js'

/** How a message's story ended, as far as the history knows. */
export const MESSAGE_OUTCOMES = ['acked', 'dead', 'expired', 'inFlight', 'retrying', 'pending'] as const

export const HistoryEventSchema = v.object({
  t: note(integer(), 'ms since the epoch'),
  ev: note(v.picklist(HISTORY_EVENT_KINDS), '`stored`, `delivered` (pushed to an instance; the SDK starts the handler as it arrives), `renewed` (lease renewed or progress reported; at most one per message per 10 s is kept), `acked`, `nacked`, `lost` (lease ran out or recipient went away), `expired`, `deadLettered`, `replayed`'),
  instance: opt(v.string(), 'the instance (or CLI address) it concerns'),
  attempt: opt(integer(), '`delivered`: which delivery, from 1'),
  error: opt(v.string(), '`nacked`, `lost`, `deadLettered`: why'),
})

/** One message as the history tells it. */
export const TracedMessageSchema = v.object({
  id: v.string(),
  from: opt(v.string(), 'absent when its `stored` event was compacted away (also `to`, `type`, `queuedAt`)'),
  to: opt(v.string(), 'as addressed'),
  type: opt(v.string()),
  topic: opt(v.string()),
  correlationId: opt(v.string()),
  parentId: opt(v.string(), 'the message whose handling caused this one'),
  inReplyTo: opt(v.string()),
  instance: opt(v.string(), 'the instance of its last delivery'),
  attempts: note(integer(), 'deliveries'),
  outcome: note(v.picklist(MESSAGE_OUTCOMES), '`acked`, `dead`, `expired` (dead of its ttl), `inFlight`, `retrying` (failed, waiting for its next delivery), `pending`'),
  error: opt(v.string(), 'the last nack, lost lease or dead-letter reason'),
  queuedAt: opt(integer(), 'stored (ms since the epoch)'),
  deliveredAt: opt(integer(), 'first delivery'),
  endedAt: opt(integer(), 'acked or dead-lettered'),
  waitedMs: opt(integer(), 'stored → first delivery'),
  handledMs: opt(integer(), 'last delivery → ack (or last nack)'),
  totalMs: opt(integer(), 'stored → acked or dead-lettered'),
  events: note(v.array(HistoryEventSchema), 'oldest first'),
})

export const TraceResultSchema = v.object({
  traceId: note(v.string(), 'the correlation id followed (the root message id when the root has none)'),
  messages: note(
    v.array(TracedMessageSchema),
    'every message of the trace, in the order they were stored: the messages with `correlationId` or `id` equal to it and everything they caused through `parentId`; a message whose `parentId` is not listed is a root',
  ),
})

export const HistoryListResultSchema = v.object({
  messages: note(v.array(TracedMessageSchema), 'finished messages (acked, dead), the most recently finished first'),
})
