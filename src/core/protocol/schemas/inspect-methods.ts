import * as v from 'valibot'
import { int, oneOf, str } from '../../schema/fields.js'
import { ErrorCode } from '../error-codes.js'
import { method } from './method.js'
import { integer, note, opt } from './notes.js'
import { QUEUE_LISTS } from '../types.js'
import { HistoryListResultSchema, TraceResultSchema } from './history-shapes.js'
import { DeadLettersResultSchema, QueueListingResultSchema } from './shapes.js'

const limit = () => opt(int({ min: 0 }), 'at most this many of each list (default 100); counts stay exact')
const offset = () => opt(int({ min: 0 }), 'skip that many of each list (default 0); see [paging](#listings-and-paging)')

/** Queue inspection: any client. */
export const INSPECT_METHODS = {
  'queue.ls': method({
    doc: "The queue's messages, waiting, leased and dead: counts are totals, each list a window of its whole list ([paging](#listings-and-paging)).",
    params: v.object({
      agent: opt(str({ nonEmpty: true }), 'only the messages of this agent (a **name**)'),
      limit: limit(),
      offset: offset(),
      only: opt(oneOf(QUEUE_LISTS), 'list this one only (to page it past the byte budget)'),
    }),
    result: QueueListingResultSchema,
    errors: [ErrorCode.UNKNOWN_AGENT],
  }),
  'queue.dead': method({
    doc: "Every agent's dead letters, oldest first, paged like `queue.ls`.",
    params: v.object({ limit: limit(), offset: offset() }),
    result: DeadLettersResultSchema,
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
  'history.trace': method({
    doc: 'Everything a message caused, from the message history (`orch trace`): give a message id (or a prefix of at least 8 characters that starts exactly one) or a correlation id.',
    params: v.object({ id: note(str({ nonEmpty: true }), 'a message id, an id prefix, or a correlation id') }),
    result: TraceResultSchema,
    errors: [ErrorCode.NOT_IN_HISTORY, ErrorCode.AMBIGUOUS_ID],
  }),
  'history.list': method({
    doc: 'Recently finished messages (acked or dead-lettered), most recent first, from the message history (`orch queue history`).',
    params: v.object({
      agent: opt(str({ nonEmpty: true }), 'only messages to this agent (a name, or an instance id)'),
      limit: opt(int({ min: 0 }), 'at most this many (default 50)'),
    }),
    result: HistoryListResultSchema,
  }),
} as const
