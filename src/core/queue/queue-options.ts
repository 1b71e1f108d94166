import {
  DEFAULT_COMPACT_EVERY_MS,
  DEFAULT_KEY_WINDOW_MS,
  DEFAULT_LEASE_MS,
  DEFAULT_MAX_ATTEMPTS,
  DEFAULT_MAX_HOPS,
  DEFAULT_MAX_IN_FLIGHT,
  DEFAULT_MAX_PAYLOAD_BYTES,
} from './constants.js'
import type { Message } from './message.js'
import type { QueueStore } from './store.js'

export interface QueueOptions {
  store: QueueStore
  /** how long a recipient has to ack a delivered message */
  leaseMs?: number
  /** failed deliveries before a message is dead-lettered */
  maxAttempts?: number
  /** leased messages per recipient instance */
  maxInFlight?: number
  maxHops?: number
  maxPayloadBytes?: number
  /** how long after its ack a keyed message still turns away a send with the same key */
  keyWindowMs?: number
  /** scheduled store compaction; 0 turns it off */
  compactEveryMs?: number
  now?: () => number
}

/** An attached (connected) agent instance the queue pushes to. */
export interface Recipient {
  /** instance id: 'agent_1' for a single instance, 'worker:0'…'worker:N-1' for one of several */
  id: string
  /** agent name */
  name: string
  /** unacked work it may hold at once (replies do not count); default: the queue's maxInFlight */
  maxInFlight?: number
  /** ms each delivery to it is leased for, unless the message sets `lease`; default: the queue's leaseMs */
  leaseMs?: number
  /** Called synchronously for each message leased to this recipient, with the lease's duration. Do not mutate `m`. */
  deliver(m: Message, leaseMs: number): void
  /** A newer recipient with the same id took over; this one gets nothing until it is attached again. */
  replaced?(): void
  /** The newer recipient left; this one receives again. */
  resumed?(): void
}

export type ResolvedQueueOptions = Required<QueueOptions>

export function resolveQueueOptions(opts: QueueOptions): ResolvedQueueOptions {
  const resolved: ResolvedQueueOptions = {
    store: opts.store,
    leaseMs: opts.leaseMs ?? DEFAULT_LEASE_MS,
    maxAttempts: opts.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
    maxInFlight: opts.maxInFlight ?? DEFAULT_MAX_IN_FLIGHT,
    maxHops: opts.maxHops ?? DEFAULT_MAX_HOPS,
    maxPayloadBytes: opts.maxPayloadBytes ?? DEFAULT_MAX_PAYLOAD_BYTES,
    compactEveryMs: opts.compactEveryMs ?? DEFAULT_COMPACT_EVERY_MS,
    keyWindowMs: opts.keyWindowMs ?? DEFAULT_KEY_WINDOW_MS,
    now: opts.now ?? (() => Date.now()),
  }
  for (const field of ['leaseMs', 'maxAttempts', 'maxInFlight', 'maxPayloadBytes'] as const) {
    if (!(Number.isFinite(resolved[field]) && resolved[field] > 0)) {
      throw new RangeError(`queue option ${field} must be a positive number, got ${String(resolved[field])}`)
    }
  }
  for (const field of ['maxHops', 'compactEveryMs', 'keyWindowMs'] as const) {
    if (!(Number.isFinite(resolved[field]) && resolved[field] >= 0)) {
      throw new RangeError(`queue option ${field} must be a non-negative number, got ${String(resolved[field])}`)
    }
  }
  return resolved
}
