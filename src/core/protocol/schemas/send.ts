import * as v from 'valibot'
import { int, json, str } from '../../schema/fields.js'
import { MAX_DURATION_MS, MIN_LEASE_MS } from '../../schema/units.js'
import { note, opt } from './notes.js'

/** Milliseconds a timer can wait (see MAX_DURATION_MS); a lease also needs time to be renewed (MIN_LEASE_MS). */
export const ms = (min: number) => int({ min, max: MAX_DURATION_MS })

/** An idempotency key is an id, not a payload. */
export const MAX_KEY_CHARS = 256

/**
 * The fields of a send, each with its rule: the one source for `queue.send`
 * params (checked by the daemon, E_BAD_PARAMS) and for the queue's own
 * input (checked again by the queue for any caller, E_INVALID_MESSAGE).
 * What depends on the daemon's settings (the hop limit, the payload size)
 * and the topic name rule are the queue's (queue/validate-send.ts).
 */
export const SEND_FIELDS = {
  to: note(str({ nonEmpty: true }), '`name`, `name:N` or `topic:NAME` (a [topic name](#topic-names)); see [addressing](#addressing)'),
  type: note(str({ nonEmpty: true }), 'free, e.g. `task.delegate`; replies use `<type>.reply`'),
  payload: opt(json(), 'at most 256 KiB as JSON; default `null`'),
  priority: opt(int(), 'a [safe integer](#param-values-null-and-integers); higher is delivered first (may be negative); FIFO within a priority; default `0`'),
  correlationId: opt(str({ nonEmpty: true }), 'ties a reply to its request; the SDK also uses it as the trace id: a send made inside a handler carries the handled message\'s (or, when it has none, its `id`)'),
  parentId: opt(str({ nonEmpty: true }), 'the `id` of the message whose handling caused this one (the SDK sets it inside a handler); `orch trace` builds its tree from it'),
  replyTo: opt(str({ nonEmpty: true }), 'where replies should go (default: `from`)'),
  hops: opt(int({ min: 0 }), 'how many messages led to this one; over 16 is refused (`E_INVALID_MESSAGE`); default `0`'),
  delay: opt(ms(0), 'ms before it may be delivered (`createdAt + delay`); default `0`'),
  ttl: opt(ms(1), 'ms after which an undelivered message is dead-lettered (`lastError: "expired (ttl)"`); a message already leased does not expire, but a delivery that fails after the ttl dead-letters it ([ttl and leases](#3-handle-renew-the-lease-then-ack-or-nack))'),
  lease: opt(ms(MIN_LEASE_MS), "ms each delivery of this message is leased for before it must be renewed or acked (default: the recipient's `leaseTimeout`)"),
  key: opt(
    str({ nonEmpty: true, maxLength: MAX_KEY_CHARS, allowed: `a non-empty string of at most ${MAX_KEY_CHARS} characters` }),
    'idempotency key: see [idempotent sends](#idempotent-sends)',
  ),
  inReplyTo: opt(str({ nonEmpty: true }), "on a reply: the `id` of the request message it answers; a reply bypasses the recipient's concurrency"),
}

/** `queue.send`'s params, and each of `queue.sendMany`'s messages. */
export const SendParamsSchema = v.object(SEND_FIELDS)

/** A send as the queue takes it (queue/message.ts SendInput): the sender, and durations named for their unit. */
export const SendInputSchema = v.object({
  from: str({ nonEmpty: true }),
  to: SEND_FIELDS.to,
  type: SEND_FIELDS.type,
  payload: SEND_FIELDS.payload,
  priority: SEND_FIELDS.priority,
  correlationId: SEND_FIELDS.correlationId,
  parentId: SEND_FIELDS.parentId,
  replyTo: SEND_FIELDS.replyTo,
  hops: SEND_FIELDS.hops,
  delayMs: SEND_FIELDS.delay,
  ttlMs: SEND_FIELDS.ttl,
  leaseMs: SEND_FIELDS.lease,
  key: SEND_FIELDS.key,
  inReplyTo: SEND_FIELDS.inReplyTo,
})

export const SendResultSchema = v.object({
  ids: note(v.array(v.string()), 'one id, or for a topic one per subscriber copy (`[]` when it has none)'),
  duplicate: opt(v.literal(true), "a send with the same `key` was already stored: `ids` are the first send's"),
})

export const WireErrorSchema = v.object({ code: v.string(), message: v.string(), data: opt(v.unknown()) })

export const SendManyResultSchema = v.union([SendResultSchema, v.object({ error: WireErrorSchema })])

/** One id a batch call could not act on, and why. */
export const FailedIdSchema = v.object({ id: v.string(), code: v.string(), message: v.string() })
