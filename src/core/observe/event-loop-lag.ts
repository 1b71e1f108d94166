import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks'

/** Sampling period of the event-loop delay monitor (ms): fine enough to see a 20 ms stall, idle otherwise. */
const RESOLUTION_MS = 20
/** Lag is reported over windows this long, so a scrape and `orch monit` reading at once see the same figures. */
const WINDOW_MS = 10_000

export interface EventLoopLag {
  /** seconds */
  mean: number
  p99: number
  max: number
}

const NONE: EventLoopLag = { mean: 0, p99: 0, max: 0 }

/**
 * The daemon's event-loop delay (perf_hooks), started on the first read so a
 * daemon nobody watches runs no extra timer. A read gives the last complete
 * window (or the current one while there is none yet).
 */
export class EventLoopLagMonitor {
  private histogram: IntervalHistogram | null = null
  private windowStart = 0
  private last: EventLoopLag | null = null

  constructor(private readonly now: () => number = Date.now) {}

  read(): EventLoopLag {
    if (!this.histogram) {
      this.histogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS })
      this.histogram.enable()
      this.windowStart = this.now()
    }
    const h = this.histogram
    // nanoseconds; meaningless until a first sample exists
    const current = h.count > 0 ? { mean: h.mean / 1e9, p99: h.percentile(99) / 1e9, max: h.max / 1e9 } : NONE
    if (this.now() - this.windowStart >= WINDOW_MS) {
      this.last = current
      h.reset()
      this.windowStart = this.now()
    }
    return this.last ?? current
  }

  stop(): void {
    this.histogram?.disable()
    this.histogram = null
  }
}
