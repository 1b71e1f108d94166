import type { Message } from './message.js'

/** Writes gathered while the previous write was in flight, applied in this order. */
export interface WriteBatch {
  inserts: Message[]
  /** by id; the last update of a message wins */
  updates: Map<string, Message>
  /** ids, in the order asked (the queue removes a message once) */
  removes: string[]
}

interface PendingBatch extends WriteBatch {
  done: Promise<void>
  resolve: () => void
  reject: (err: unknown) => void
}

/**
 * How long a removal waits for another write to join before it is written on
 * its own. An ack's removal is not urgent: lost in a crash, the message is
 * delivered again, which at-least-once allows (and the ack was not answered
 * yet, since its answer waits for the write). Riding with the next insert, a
 * request/reply round trip makes two appends instead of three.
 */
export const REMOVAL_DELAY_MS = 5

/**
 * Group commit: one write at a time; every insert/update/remove requested
 * while it runs joins the next batch, and each caller's promise settles when
 * its batch has been written. Under load this turns thousands of small
 * appends into a few large ones. Removals alone wait up to REMOVAL_DELAY_MS
 * for company.
 *
 * Applying inserts, then updates, then removes is safe because the queue
 * only updates or removes a message after its insert has resolved.
 */
export class GroupCommit {
  private next: PendingBatch | null = null
  private current: PendingBatch | null = null
  private running = false
  private removalTimer: NodeJS.Timeout | undefined

  constructor(private readonly write: (batch: WriteBatch) => Promise<void>) {}

  insert(messages: Message[]): Promise<void> {
    if (messages.length === 0) return Promise.resolve()
    const batch = this.enqueue()
    for (const m of messages) batch.inserts.push(m)
    return batch.done
  }

  update(messages: Message[]): Promise<void> {
    if (messages.length === 0) return Promise.resolve()
    const batch = this.enqueue()
    for (const m of messages) batch.updates.set(m.id, m)
    return batch.done
  }

  remove(ids: string[]): Promise<void> {
    if (ids.length === 0) return Promise.resolve()
    const batch = this.enqueue(true)
    for (const id of ids) batch.removes.push(id)
    return batch.done
  }

  /** Resolves once everything requested so far has been written (or failed). */
  flush(): Promise<void> {
    if (this.removalTimer) this.start()
    const last = this.next ?? this.current
    return last ? last.done.then(noop, noop) : Promise.resolve()
  }

  private enqueue(canWait = false): PendingBatch {
    if (!this.next) this.next = newBatch()
    if (this.running) return this.next
    if (!canWait) this.start()
    else if (!this.removalTimer) {
      this.removalTimer = setTimeout(() => this.start(), REMOVAL_DELAY_MS)
      this.removalTimer.unref()
    }
    return this.next
  }

  private start(): void {
    clearTimeout(this.removalTimer)
    this.removalTimer = undefined
    if (this.running) return
    this.running = true
    // a microtask, so callers in the same tick share the first batch too
    queueMicrotask(() => void this.drain())
  }

  private async drain(): Promise<void> {
    while (this.next) {
      const batch = this.next
      this.next = null
      this.current = batch
      try {
        await this.write(batch)
        batch.resolve()
      } catch (err) {
        batch.reject(err)
      }
    }
    this.current = null
    this.running = false
  }
}

function newBatch(): PendingBatch {
  let resolve!: () => void
  let reject!: (err: unknown) => void
  const done = new Promise<void>((res, rej) => {
    resolve = res
    reject = rej
  })
  return { inserts: [], updates: new Map(), removes: [], done, resolve, reject }
}

function noop(): void {}
