import { compareNames } from '../compare-names.js'

/** How far back the team graph counts messages between agents. */
export const FLOW_WINDOW_MS = 10 * 60_000
const BUCKET_MS = 60_000

/** One edge of the team graph: messages stored from → to over the window. */
export interface FlowEdge {
  from: string
  to: string
  /** messages over the window */
  count: number
  /** messages per minute over the last minute */
  perMinute: number
}

/** An instance (`worker:2`) speaks for its agent; every CLI address (`cli`, a request's reply address `cli.PID-N`) is the CLI; topics keep theirs. */
export const agentOf = (address: string): string => (address.startsWith('cli.') ? 'cli' : address.replace(/:\d+$/, ''))

/**
 * Counts messages by sender and recipient agent in one-minute buckets, for
 * the team graph. The queue's counters are by recipient only; this listens to
 * the same 'sent' events (from the dashboard's start) and is seeded from the
 * history (what happened before). O(edges × 10) memory.
 */
export class FlowCounter {
  private readonly buckets = new Map<string, Map<number, number>>()

  constructor(private readonly now: () => number = Date.now) {}

  add(from: string, to: string, at = this.now()): void {
    if (at < this.now() - FLOW_WINDOW_MS) return
    const key = `${agentOf(from)}\u0000${agentOf(to)}`
    let edge = this.buckets.get(key)
    if (!edge) this.buckets.set(key, (edge = new Map()))
    const b = Math.floor(at / BUCKET_MS)
    edge.set(b, (edge.get(b) ?? 0) + 1)
  }

  edges(): FlowEdge[] {
    const now = this.now()
    const oldest = Math.floor((now - FLOW_WINDOW_MS) / BUCKET_MS)
    const current = Math.floor(now / BUCKET_MS)
    const out: FlowEdge[] = []
    for (const [key, edge] of this.buckets) {
      let count = 0
      for (const [b, n] of edge) {
        if (b <= oldest) edge.delete(b)
        else count += n
      }
      if (edge.size === 0) {
        this.buckets.delete(key)
        continue
      }
      // the current minute is partial: the rate is over the last full minute and what has passed of this one
      const recent = (edge.get(current) ?? 0) + (edge.get(current - 1) ?? 0)
      const span = (now % BUCKET_MS) / BUCKET_MS + 1
      const [from, to] = key.split('\u0000') as [string, string]
      out.push({ from, to, count, perMinute: Math.round((recent / span) * 10) / 10 })
    }
    return out.sort((a, b) => compareNames(a.from, b.from) || compareNames(a.to, b.to))
  }
}
