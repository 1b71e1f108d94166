import type { Message } from './message.js'

/** What a MessageQueue reports; plugin hooks are built on these. */
export interface QueueEvents {
  /** A message was stored (once per topic copy). */
  sent: (m: Message) => void
  /** A message was handed to a recipient and leased to it. */
  delivered: (m: Message, recipientId: string) => void
  /** A recipient renewed the lease of a message it holds (`queue.extend`, or `queue.progress` with `progress`). */
  renewed: (m: Message, recipientId: string, progress?: unknown) => void
  /** A dead letter went back to pending (`replay`). */
  replayed: (m: Message) => void
  /** A recipient acked; the message is gone. `deliveredAt`: when the delivery it acked was made (ms since the epoch). */
  acked: (m: Message, recipientId: string, deliveredAt: number) => void
  /** A recipient nacked; the message is requeued or dead-lettered. */
  nacked: (m: Message, recipientId: string, error: string, deliveredAt: number) => void
  /** A delivery failed without a nack (its lease ran out, or its recipient went away); requeued or dead-lettered as after a nack. */
  lost: (m: Message, recipientId: string, reason: string) => void
  /** A message moved to the dead-letter list; `reason` is also its lastError. */
  deadLettered: (m: Message, reason: string) => void
  /** A message's ttl passed before it was delivered; 'deadLettered' follows. */
  expired: (m: Message) => void
  /** A background write, a compaction or a listener failed. The queue keeps going. */
  error: (err: Error) => void
}

type Listeners<E> = { [K in keyof E]?: Set<E[K]> }

/** A small typed emitter; a throwing listener is reported on 'error' and never breaks the queue. */
export class TypedEvents<E extends { error: (err: Error) => void }> {
  private readonly listeners: Listeners<E> = {}

  on<K extends keyof E>(event: K, fn: E[K]): void {
    const set = (this.listeners[event] ??= new Set<E[K]>())
    set.add(fn)
  }

  off<K extends keyof E>(event: K, fn: E[K]): void {
    this.listeners[event]?.delete(fn)
  }

  has(event: keyof E): boolean {
    return (this.listeners[event]?.size ?? 0) > 0
  }

  emit<K extends keyof E>(event: K, ...args: E[K] extends (...a: infer A) => void ? A : never): void {
    const set = this.listeners[event]
    if (!set || set.size === 0) return
    for (const fn of set) {
      try {
        ;(fn as (...a: unknown[]) => void)(...args)
      } catch (err) {
        if (event !== 'error') this.emit('error', ...([toError(err)] as never))
      }
    }
  }
}

export function toError(err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err))
}
