import { Deadlines } from './deadlines.js'
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
 * its messages is pending, in flight, or was acked less than `windowMs` ago
 * (an entry is forgotten when it dies, is purged, or its window passes); a
 * send with a held key is answered with the first send's messages. Acked
 * keyed messages stay in the store, marked `ackedAt`, until their window
 * passes, so keys survive a restart.
 */
export class IdempotencyKeys {
  private readonly byKey = new Map<string, Holder>()
  private readonly windows: Deadlines<QueueEntry>

  constructor(
    private readonly now: () => number,
    private readonly windowMs: number,
    /** acked entries whose window passed: they may leave the store */
    onWindowPassed: (entries: QueueEntry[]) => void,
  ) {
    this.windows = new Deadlines(now, (due) => {
      for (const entry of due) this.forget(entry)
      if (due.length > 0) onWindowPassed(due)
    })
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

  /** A keyed message was acked: it is marked and keeps its key for the window. */
  acked(entry: QueueEntry): void {
    entry.msg.ackedAt = this.now()
    this.windows.add(entry.msg.ackedAt + this.windowMs, entry)
  }

  /** After a restart, a stored keyed message; false for an acked one whose window has passed (drop it). */
  restore(entry: QueueEntry): boolean {
    const { key, ackedAt } = entry.msg
    if (key === undefined) return true
    if (ackedAt !== undefined) {
      const until = ackedAt + this.windowMs
      if (until <= this.now()) return false
      this.windows.add(until, entry)
    }
    const holder = this.byKey.get(key)
    if (holder) {
      holder.entries.add(entry)
      holder.messages.push(entry.msg)
    } else {
      this.byKey.set(key, { entries: new Set([entry]), messages: [entry.msg], stored: Promise.resolve() })
    }
    return true
  }

  /** The entry no longer counts (dead, purged, or its window passed); the key is free once none does. */
  forget(entry: QueueEntry): void {
    const key = entry.msg.key
    if (key === undefined) return
    const holder = this.byKey.get(key)
    if (!holder?.entries.delete(entry)) return
    if (holder.entries.size === 0) this.byKey.delete(key)
  }

  stop(): void {
    this.windows.stop()
  }
}
