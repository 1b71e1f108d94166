import { Turn } from './turn.js'

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
  private scheduled = false
  private readonly inFlight = new Set<Promise<void>>()

  constructor(
    private readonly send: FlushAcks,
    private readonly turn: Turn = new Turn(),
  ) {}

  add(id: string, epoch: number): void {
    if (this.ids.length > 0 && epoch !== this.epoch) this.flush()
    this.epoch = epoch
    this.ids.push(id)
    if (!this.scheduled) {
      this.scheduled = true
      this.turn.later(() => {
        this.scheduled = false
        this.flush()
      })
    }
  }

  /** Sends what is batched now and waits for every batch still unanswered. */
  async drain(): Promise<void> {
    this.flush()
    await Promise.allSettled([...this.inFlight])
  }

  private flush(): void {
    if (this.ids.length === 0) return
    const ids = this.ids
    this.ids = []
    const p: Promise<void> = this.send(this.epoch, ids).finally(() => this.inFlight.delete(p))
    this.inFlight.add(p)
  }
}
