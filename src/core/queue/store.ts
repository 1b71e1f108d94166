import type { Message } from './message.js'

/** A topic subscription; `subscriber` is an instance id. */
export interface Subscription {
  topic: string
  subscriber: string
}

/**
 * Where the queue keeps its messages. The queue keeps the dispatch order in
 * memory and only asks the store to persist and, at start-up, to load.
 */
export interface QueueStore {
  /** Everything persisted. */
  load(): Promise<{ messages: Message[]; subscriptions: Subscription[] }>
  /** Durable (written to the file) when it resolves. */
  insert(messages: Message[]): Promise<void>
  /**
   * Persists the delivery state of stored messages, by id: the fields in
   * MUTABLE_MESSAGE_FIELDS. The rest of a message never changes after insert.
   * Unknown ids are ignored.
   */
  update(messages: Message[]): Promise<void>
  remove(ids: string[]): Promise<void>
  saveSubscription(s: Subscription): Promise<void>
  removeSubscription(s: Subscription): Promise<void>
  /** Rewrites the backing file without history; a no-op where there is none. */
  compact(): Promise<void>
  /** Waits for pending writes, then releases the store. */
  close(): Promise<void>
}

/** What `update` persists. `expiresAt` is here because replay clears it; `ackedAt` marks a keyed message kept for deduplication. */
export const MUTABLE_MESSAGE_FIELDS = ['attempts', 'lastError', 'deadAt', 'expiresAt', 'ackedAt'] as const
/** The mutable fields that may be absent. */
export const OPTIONAL_MUTABLE_FIELDS = ['lastError', 'deadAt', 'expiresAt', 'ackedAt'] as const
export type MutableMessageField = (typeof MUTABLE_MESSAGE_FIELDS)[number]

/** Copies the mutable fields of `from` onto `to`; an undefined field is deleted. */
export function copyMutableFields(to: Message, from: Message): void {
  to.attempts = from.attempts
  for (const field of OPTIONAL_MUTABLE_FIELDS) {
    const value = from[field]
    if (value === undefined) delete to[field]
    else (to as unknown as Record<string, unknown>)[field] = value
  }
}

export function subscriptionKey(s: Subscription): string {
  // NUL cannot appear in a topic or an instance id typed by a person
  return `${s.topic}\u0000${s.subscriber}`
}
