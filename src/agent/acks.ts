import { outsideHandling } from './context.js'

/** Sends a batch of acks for messages that came on connection `epoch`. */
export type FlushAcks = (epoch: number, ids: string[]) => Promise<void>

/**
 * Coalesces the acks of one turn of the event loop into one `queue.ack {ids}`
 * frame: with 64 messages in flight, one frame per message would cost the
 * daemon a parse and a reply each.
 */
export class AckBatcher {
  private ids: string[] = []
  private epoch = 0
  private timer: NodeJS.Immediate | undefined
  private readonly inFlight = new Set<Promise<void>>()

  constructor(private readonly send: FlushAcks) {}

  add(id: string, epoch: number): void {
    if (this.ids.length > 0 && epoch !== this.epoch) this.flush()
    this.epoch = epoch
    this.ids.push(id)
    // scheduled from a handler, the flush must not log as part of that handler's message
    this.timer ??= outsideHandling(() => setImmediate(() => this.flush()))
  }

  /** Sends what is batched now and waits for every batch still unanswered. */
  async drain(): Promise<void> {
    this.flush()
    await Promise.allSettled([...this.inFlight])
  }

  private flush(): void {
    if (this.timer) clearImmediate(this.timer)
    this.timer = undefined
    if (this.ids.length === 0) return
    const ids = this.ids
    this.ids = []
    const p: Promise<void> = this.send(this.epoch, ids).finally(() => this.inFlight.delete(p))
    this.inFlight.add(p)
  }
}
