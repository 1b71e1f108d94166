import type { DaemonContext } from '../daemon/context.js'
import type { QueueEvents } from '../queue/queue-events.js'
import { FLOW_WINDOW_MS, FlowCounter } from './flow.js'
import type { SseStream } from './sse.js'
import { overview, queueView } from './views.js'

/** How often the agents' figures are pushed: the monitor's default interval, so each push carries a new sample. */
export const PUSH_INTERVAL_MS = 1_000
/** State changes come in bursts (a restart is stopping, stopped, starting, online): one snapshot follows them, this much later. */
const SETTLE_MS = 50

const QUEUE_CHANGES: ReadonlyArray<keyof QueueEvents> = ['sent', 'delivered', 'acked', 'nacked', 'lost', 'deadLettered', 'replayed', 'expired']

/**
 * The one `/api/events` feed: every page's stream gets a snapshot of the
 * agents at each push (the queue's view too when it changed), and each state
 * change of an agent (with its reason) as it happens. Listens to the
 * supervisor and the queue from the dashboard's first start to the daemon's
 * end (the counting for the team graph must not wait for a page); the
 * pushing timer runs only while a page is open.
 */
export class LiveHub {
  readonly flow = new FlowCounter()
  private readonly clients = new Set<SseStream>()
  /** the other streams of pages (an agent's log): closed with the feed when the token changes */
  private readonly others = new Set<SseStream>()
  private timer: NodeJS.Timeout | null = null
  private settle: NodeJS.Timeout | null = null
  private queueChanged = true

  constructor(private readonly ctx: DaemonContext) {
    ctx.supervisor.on('state', (r, from, to, reason) => {
      if (this.clients.size === 0) return
      this.broadcast('state', { id: r.id, name: r.name, from, to, reason, pid: r.pid, at: Date.now() })
      this.settle ??= setTimeout(() => {
        this.settle = null
        this.push()
      }, SETTLE_MS)
    })
    ctx.queue.on('sent', (m) => this.flow.add(m.from, m.to))
    for (const ev of QUEUE_CHANGES) ctx.queue.on(ev, () => void (this.queueChanged = true))
  }

  /** What the history holds of the last minutes, so a graph opened now is not empty; failures leave it empty. */
  async seedFlow(): Promise<void> {
    const since = Date.now() - FLOW_WINDOW_MS
    try {
      for (const e of await this.ctx.history.read()) {
        if (e.ev === 'stored' && e.t >= since && e.from !== undefined && e.to !== undefined) this.flow.add(e.from, e.to, e.t)
      }
    } catch (err) {
      this.ctx.log.warn('dashboard: cannot read the history for the team graph', { err })
    }
  }

  join(stream: SseStream): void {
    this.clients.add(stream)
    stream.whenClosed(() => this.leave(stream))
    stream.send('snapshot', { ...overview(this.ctx, this.flow), queue: queueView(this.ctx) })
    this.timer ??= setInterval(() => this.push(), PUSH_INTERVAL_MS)
    this.timer.unref()
  }

  /** A page's stream that is not the feed, to be closed with it. */
  adopt(stream: SseStream): void {
    this.others.add(stream)
    stream.whenClosed(() => this.others.delete(stream))
  }

  /** Every page's streams end (the token changed): a page reconnects, gets a 401 and says it is signed out. */
  closeAll(): void {
    for (const c of [...this.clients, ...this.others]) c.close()
  }

  private leave(stream: SseStream): void {
    this.clients.delete(stream)
    if (this.clients.size > 0 || !this.timer) return
    clearInterval(this.timer)
    this.timer = null
  }

  private push(): void {
    if (this.clients.size === 0) return
    try {
      const data: Record<string, unknown> = overview(this.ctx, this.flow)
      if (this.queueChanged) {
        this.queueChanged = false
        data.queue = queueView(this.ctx)
      }
      this.broadcast('snapshot', data)
    } catch (err) {
      // a timer's throw would reach the daemon's crash handler
      this.ctx.log.error('dashboard: cannot build a snapshot', { err })
    }
  }

  private broadcast(event: string, data: unknown): void {
    for (const c of this.clients) c.send(event, data)
  }
}
