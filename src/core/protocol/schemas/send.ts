import * as v from 'valibot'
import { int, json, str } from '../../schema/fields.js'
import { MAX_DURATION_MS, MIN_LEASE_MS } from '../../schema/units.js'
import { opt } from './notes.js'

/** Milliseconds a timer can wait (see MAX_DURATION_MS); a lease also needs time to be renewed (MIN_LEASE_MS). */
export const ms = (min: number) => int({ min, max: MAX_DURATION_MS })

/** `queue.send`'s params, and each of `queue.sendMany`'s messages. */
export const SendParamsSchema = v.object({
  to: v.pipe(str({ nonEmpty: true }), v.description('`name`, `name:N` or `topic:NAME`; see [addressing](#addressing)')),
  type: v.pipe(str({ nonEmpty: true }), v.description('free, e.g. `task.delegate`; replies use `<type>.reply`')),
  payload: opt(json(), 'any JSON, at most 256 KiB as JSON; default `null`'),
  priority: opt(int(), 'higher is delivered first (may be negative); FIFO within a priority; default `0`'),
  correlationId: opt(str({ nonEmpty: true }), 'ties a reply to its request'),
  replyTo: opt(str({ nonEmpty: true }), 'where replies should go (default: `from`)'),
  hops: opt(int({ min: 0 }), 'how many messages led to this one; over 16 is refused; default `0`'),
  delay: opt(ms(0), 'ms before it may be delivered (`createdAt + delay`); default `0`'),
  ttl: opt(ms(1), 'ms after which an undelivered message is dead-lettered (`lastError: "expired (ttl)"`); a message already leased does not expire'),
  lease: opt(ms(MIN_LEASE_MS), "ms each delivery of this message is leased for before it must be renewed or acked (default: the recipient's `leaseTimeout`)"),
  key: opt(str({ nonEmpty: true }), 'idempotency key: see [idempotent sends](#idempotent-sends)'),
  inReplyTo: opt(str({ nonEmpty: true }), "on a reply: the `id` of the request message it answers; a reply bypasses the recipient's concurrency"),
})

export const SendResultSchema = v.object({
  ids: v.pipe(v.array(v.string()), v.description('one id, or for a topic one per subscriber copy (`[]` when it has none)')),
  duplicate: opt(v.literal(true), 'a send with the same `key` was already stored: `ids` are the first send\'s'),
})

export const WireErrorSchema = v.object({ code: v.string(), message: v.string(), data: opt(v.unknown()) })

export const SendManyResultSchema = v.union([SendResultSchema, v.object({ error: WireErrorSchema })])

/** One id a batch call could not act on, and why. */
export const FailedIdSchema = v.object({ id: v.string(), code: v.string(), message: v.string() })

