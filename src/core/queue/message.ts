import type * as v from 'valibot'
import type { SendInputSchema } from '../protocol/schemas/send.js'
import type { WireMessage } from '../protocol/types.js'

/**
 * A message between agents, as stored and as delivered: the protocol's
 * WireMessage plus `seq`, which only the queue needs (monotonic across
 * restarts; FIFO tie-break within a priority). Treat delivered and returned
 * objects as read-only.
 */
export interface Message extends WireMessage {
  seq: number
  /** set when a message sent with a `key` was acked: it is kept (for deduplication) until the key window passes */
  ackedAt?: number
}

/** A send as the queue takes it: the type of its schema (protocol/schemas/send.ts), which the queue checks it with. */
export type SendInput = v.InferInput<typeof SendInputSchema>

/** A message currently leased to a recipient. */
export type InFlightMessage = Message & { leasedTo: string; leaseExpiresAt: number; progress?: unknown }

export interface QueueListing {
  /** waiting to be delivered (including delayed ones), best first */
  pending: Message[]
  /** delivered and not yet acked, oldest lease first */
  inFlight: InFlightMessage[]
  /** dead letters, oldest first */
  dead: Message[]
}

export interface QueueStats {
  pending: number
  inFlight: number
  dead: number
}
