/** A message between agents, as stored and as delivered. Treat delivered and returned objects as read-only. */
export interface Message {
  id: string
  /** sender id: an agent name, an instance id such as 'worker:0', or 'cli' */
  from: string
  /** as addressed: 'agent', 'agent:2' (one instance) or, for a topic copy, the subscriber instance id */
  to: string
  /** set on topic copies: the topic name without the 'topic:' prefix */
  topic?: string
  type: string
  /** integer, higher first */
  priority: number
  payload: unknown
  correlationId?: string
  replyTo?: string
  /** how many messages caused this one; sends over the limit are refused to stop loops */
  hops: number
  /** delivery attempts that failed (nack, lease timeout, recipient gone) */
  attempts: number
  createdAt: number
  notBefore?: number
  expiresAt?: number
  /** monotonic across restarts; FIFO tie-break within a priority */
  seq: number
  lastError?: string
  /** set when dead-lettered */
  deadAt?: number
}

export interface SendInput {
  from: string
  to: string
  type: string
  priority?: number
  payload?: unknown
  correlationId?: string
  replyTo?: string
  hops?: number
  delayMs?: number
  ttlMs?: number
}

/** A message currently leased to a recipient. */
export type InFlightMessage = Message & { leasedTo: string; leaseExpiresAt: number }

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
