import type { MetricsHistogram } from '../protocol/types.js'

/**
 * Upper bounds (seconds) of the duration histograms: from 5 ms to 10 min,
 * since an LLM agent's handler may take minutes where a plain worker's
 * takes milliseconds.
 */
export const DURATION_BUCKETS_S = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600] as const

/**
 * A fixed-bucket histogram: `observe` bumps one slot (no allocation), the
 * cumulative counts are made only when a snapshot asks.
 */
export class Histogram {
  private readonly slots: Float64Array
  private count = 0
  private sum = 0

  constructor(private readonly bounds: readonly number[] = DURATION_BUCKETS_S) {
    this.slots = new Float64Array(bounds.length + 1)
  }

  observe(seconds: number): void {
    const v = seconds > 0 ? seconds : 0
    let i = 0
    while (i < this.bounds.length && v > this.bounds[i]!) i++
    this.slots[i]!++
    this.count++
    this.sum += v
  }

  /** Cumulative counts per bound, then the +Inf count (= count), as Prometheus buckets. */
  data(): MetricsHistogram {
    const cumulative: number[] = []
    let running = 0
    for (const n of this.slots) {
      running += n
      cumulative.push(running)
    }
    return { le: [...this.bounds], cumulative, count: this.count, sum: this.sum }
  }
}
