import { replyKeyOf } from './addressing.js'
import type { Message } from './message.js'
import type { LeaseLinks } from './leases.js'
import type { Recipient } from './queue-options.js'

/**
 * Where a message is in its life:
 * delayed (notBefore ahead) → ready → leased → gone (acked or purged),
 * with leased → ready on failure and → dead past maxAttempts or its ttl.
 */
export type EntryState = 'delayed' | 'ready' | 'leased' | 'dead' | 'gone'

/** The queue's bookkeeping around one message. Its lease's links (LeaseLinks) belong to the queue's Leases. */
export interface QueueEntry extends LeaseLinks<QueueEntry> {
  readonly msg: Message
  /** the dispatch key: the message's `to` (an agent name or an instance id), apart for replies (see replyKeyOf) */
  readonly key: string
  /** a reply (it has `inReplyTo`): never held back by the recipient's concurrency */
  readonly isReply: boolean
  /** agent name the key belongs to, for per-agent counts */
  readonly agent: string
  state: EntryState
  /** the recipient id holding it: set exactly while leased (EntryCounts.transition keeps it, with the per-holder counts) */
  leasedTo?: string
  /** the connection it was pushed to: when that one closes, the lease ends */
  deliveredTo?: Recipient
  /** when it was last delivered (ms since the epoch; NaN before its first delivery): given with its ack or nack */
  deliveredAt: number
  /** what the handler last reported (queue.progress), while leased */
  progress?: unknown
  /**
   * Whether a (possibly stale) heap node already points here. Heaps delete
   * lazily; with these flags an entry never sits twice in one heap, so a
   * requeued entry reuses its old node, which still has the right place
   * because priority, seq and key never change.
   */
  inDispatchHeap: boolean
  inDelayHeap: boolean
  inExpiryHeap: boolean
}

export function newEntry(msg: Message, agent: string): QueueEntry {
  const isReply = msg.inReplyTo !== undefined
  return {
    msg,
    key: isReply ? replyKeyOf(msg.to) : msg.to,
    isReply,
    agent,
    state: 'gone',
    // every field from the start, cleared with undefined and never deleted: a `delete` turns an
    // object into a slow dictionary, and every entry lives through a lease
    leasedTo: undefined,
    deliveredTo: undefined,
    deliveredAt: Number.NaN,
    progress: undefined,
    inDispatchHeap: false,
    inDelayHeap: false,
    inExpiryHeap: false,
    leaseGroup: undefined,
    leasePrev: undefined,
    leaseNext: undefined,
    leaseExpiresAt: Number.NaN,
  }
}
