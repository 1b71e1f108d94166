import type { Message } from './message.js'
import type { QueueEntry } from './queue-entry.js'

interface Holder {
  entries: Set<QueueEntry>
  /** the first send's messages, in the order it returned them */
  messages: Message[]
  /** settles when the first send is stored: a duplicate is answered after it, never before */
  stored: Promise<void>
}

/**
 * Which messages an idempotency key stands for. A key is held while one of
 * its messages is pending, in flight, or was acked within the key window
 * (the queue forgets an entry when it dies, is purged, or its window
 * passes); a send with a held key is answered with the first send's ids.
 */
export class IdempotencyKeys {
  private readonly byKey = new Map<string, Holder>()

  get size(): number {
    return this.byKey.size
  }

  /** The first send of `key`, when it still counts. */
  held(key: string): { messages: Message[]; stored: Promise<void> } | undefined {
    return this.byKey.get(key)
  }

  /** Holds `key` for a send whose store write is `stored`; on failure the key is free again. */
  hold(key: string, entries: QueueEntry[], stored: Promise<void>): void {
    const holder: Holder = { entries: new Set(entries), messages: entries.map((e) => e.msg), stored }
    this.byKey.set(key, holder)
    stored.catch(() => {
      if (this.byKey.get(key) === holder) this.byKey.delete(key)
    })
  }

  /** After a restart: the stored messages of a key, added one by one. */
  restore(entry: QueueEntry): void {
    const key = entry.msg.key
    if (key === undefined) return
    const holder = this.byKey.get(key)
    if (holder) {
      holder.entries.add(entry)
      holder.messages.push(entry.msg)
    } else {
      this.byKey.set(key, { entries: new Set([entry]), messages: [entry.msg], stored: Promise.resolve() })
    }
  }

  /** The entry no longer counts (dead, purged, or its window passed); the key is free once none does. */
  forget(entry: QueueEntry): void {
    const key = entry.msg.key
    if (key === undefined) return
    const holder = this.byKey.get(key)
    if (!holder?.entries.delete(entry)) return
    if (holder.entries.size === 0) this.byKey.delete(key)
  }
}
