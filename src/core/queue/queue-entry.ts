import type { Message } from './message.js'

/**
 * Where a message is in its life:
 * delayed (notBefore ahead) → ready → leased → gone (acked or purged),
 * with leased → ready on failure and → dead past maxAttempts or its ttl.
 */
export type EntryState = 'delayed' | 'ready' | 'leased' | 'dead' | 'gone'

/** The queue's bookkeeping around one message. */
export interface QueueEntry {
  readonly msg: Message
  /** the dispatch key: the message's `to` (an agent name or an instance id) */
  readonly key: string
  /** agent name the key belongs to, for per-agent counts */
  readonly agent: string
  state: EntryState
  leasedTo?: string
  leaseExpiresAt?: number
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
  return {
    msg,
    key: msg.to,
    agent,
    state: 'gone',
    inDispatchHeap: false,
    inDelayHeap: false,
    inExpiryHeap: false,
  }
}
