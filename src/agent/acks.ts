import { LAZY_ACK_MS } from './constants.js'
import { Turn } from './turn.js'

/** Sends a batch of acks for messages that came on connection `epoch`. */
export type FlushAcks = (epoch: number, ids: string[]) => Promise<void>

/**
 * Coalesces acks into one `queue.ack {ids}` frame: with 64 messages in
 * flight, one frame per message would cost the daemon a parse and a reply
 * each. An ack the daemon waits for (the agent is at its concurrency: no
 * message comes until one is acked) leaves at the end of this turn; one that
 * blocks nothing waits for the agent's next write (its next send, a reply
 * most often) to go with it, or LAZY_ACK_MS: a write, a wake-up of the daemon
 * and a read the fewer. Either way it goes before anything sent after it.
 */
export class AckBatcher {
  private ids: string[] = []
  private epoch = 0
  private scheduled = false
  private lazyTimer: NodeJS.Timeout | undefined
  private readonly inFlight = new Set<Promise<void>>()

  constructor(
    private readonly send: FlushAcks,
    private readonly turn: Turn = new Turn(),
  ) {
    // whatever the agent writes next takes the acks waiting for a ride
    turn.beforeEach(() => this.flush())
  }

  /** Acks not sent yet. */
  get waiting(): number {
    return this.ids.length
  }

  add(id: string, epoch: number, mayWait = false): void {
    if (this.ids.length > 0 && epoch !== this.epoch) this.flush()
    this.epoch = epoch
    this.ids.push(id)
    if (mayWait) {
      this.lazyTimer ??= setTimeout(() => {
        this.lazyTimer = undefined
        this.flush()
      }, LAZY_ACK_MS)
    } else if (!this.scheduled) {
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
    if (this.lazyTimer !== undefined) {
      clearTimeout(this.lazyTimer)
      this.lazyTimer = undefined
    }
    if (this.ids.length === 0) return
    const ids = this.ids
    this.ids = []
    const p: Promise<void> = this.send(this.epoch, ids).finally(() => this.inFlight.delete(p))
    this.inFlight.add(p)
  }
}
