import type { Message } from '../queue/message.js'
import type { QueueEvents } from '../queue/queue-events.js'
import { AgentLabels } from './agent-label.js'
import { Histogram } from './histogram.js'

/** What is counted for the messages of one recipient agent. */
export interface AgentMessageCells {
  sent: number
  delivered: number
  acked: number
  nacked: number
  deadLettered: number
  expired: number
  /** delivered → acked */
  handledAcked: Histogram
  /** delivered → nacked */
  handledNacked: Histogram
  /** stored (or the end of its delay) → first delivery */
  wait: Histogram
}

const newCells = (): AgentMessageCells => ({
  sent: 0,
  delivered: 0,
  acked: 0,
  nacked: 0,
  deadLettered: 0,
  expired: 0,
  handledAcked: new Histogram(),
  handledNacked: new Histogram(),
  wait: new Histogram(),
})

/** The part of MessageQueue this listens to. */
export interface QueueEventSource {
  on<K extends keyof QueueEvents>(event: K, fn: QueueEvents[K]): unknown
}

/**
 * Counters and histograms of the queue's events, by recipient agent. Each
 * event is a cached label lookup and a bump; nothing is kept per message
 * (an ack or nack comes with the time of its delivery: a map of deliveries
 * in flight, grown and shrunk as they come and go, cost a busy daemon its
 * rehashes).
 */
export class MessageMetrics {
  private readonly labels = new AgentLabels(newCells)

  constructor(private readonly now: () => number = Date.now) {}

  attach(queue: QueueEventSource): void {
    queue.on('sent', (m) => this.labels.of(m.to).sent++)
    queue.on('delivered', (m, recipient) => this.onDelivered(m, recipient))
    queue.on('acked', (_m, recipient, deliveredAt) => this.onSettled(recipient, true, deliveredAt))
    queue.on('nacked', (_m, recipient, _error, deliveredAt) => this.onSettled(recipient, false, deliveredAt))
    queue.on('deadLettered', (m) => this.labels.of(m.to).deadLettered++)
    queue.on('expired', (m) => this.labels.of(m.to).expired++)
  }

  /** The cells of an agent (made at 0 when it has none yet). */
  cells(agent: string): AgentMessageCells {
    return this.labels.of(agent)
  }

  /** Every recipient agent seen since the daemon started, with its counts. */
  agents(): IterableIterator<[string, AgentMessageCells]> {
    return this.labels.entries()
  }

  private onDelivered(m: Message, recipient: string): void {
    const cells = this.labels.of(recipient)
    const now = this.now()
    cells.delivered++
    // a redelivery's wait would count from the first store: only first deliveries are timed
    if (m.attempts === 0) cells.wait.observe((now - Math.max(m.createdAt, m.notBefore ?? 0)) / 1000)
  }

  private onSettled(recipient: string, acked: boolean, deliveredAt: number): void {
    const cells = this.labels.of(recipient)
    if (acked) cells.acked++
    else cells.nacked++
    if (Number.isFinite(deliveredAt)) (acked ? cells.handledAcked : cells.handledNacked).observe((this.now() - deliveredAt) / 1000)
  }
}
