import * as v from 'valibot'
import { int, str } from '../../schema/fields.js'
import { ErrorCode } from '../error-codes.js'
import { method } from './method.js'
import { integer, note, opt } from './notes.js'
import { QueueListingResultSchema, WireMessageSchema } from './shapes.js'

const limit = () => opt(int({ min: 0 }), 'at most this many of each list (default 100); counts stay exact')

/** Queue inspection: any client. */
export const INSPECT_METHODS = {
  'queue.ls': method({
    doc: "The queue's messages, waiting, leased and dead: counts are totals, the lists are cut at `limit` (and at a byte budget under the frame cap).",
    params: v.object({ agent: opt(str({ nonEmpty: true }), 'only the messages of this agent (a **name**)'), limit: limit() }),
    result: QueueListingResultSchema,
    errors: [ErrorCode.UNKNOWN_AGENT],
  }),
  'queue.dead': method({
    doc: 'Every dead letter, oldest first.',
    params: v.object({ limit: limit() }),
    result: v.array(WireMessageSchema),
  }),
  'queue.replay': method({
    doc: 'Dead letters back to pending with `attempts: 0`, no `lastError`, no ttl.',
    params: v.object({
      id: note(str({ nonEmpty: true }), "a dead letter's id, a prefix that starts exactly one dead letter's id (among all of them, whatever a listing shows), or `\"all\"`"),
    }),
    result: v.object({ replayed: integer() }),
    errors: [ErrorCode.NO_DEAD_LETTER, ErrorCode.AMBIGUOUS_ID],
  }),
  'queue.purge': method({
    doc: "Removes an agent's pending and dead messages; leased ones stay.",
    params: v.object({ agent: note(str({ nonEmpty: true }), 'an agent name') }),
    result: v.object({ purged: integer() }),
    errors: [ErrorCode.UNKNOWN_AGENT],
  }),
} as const
