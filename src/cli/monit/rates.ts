import type { MetricsSnapshot } from '../../core/protocol/types.js'

export interface Rates {
  sent: number
  handled: number
  byAgent: Map<string, number>
}

export const NO_RATES: Rates = { sent: 0, handled: 0, byAgent: new Map() }

/** Messages per second between two snapshots, from the daemon's counters: stored, and handled (acked + nacked), by agent name. */
export function ratesBetween(before: MetricsSnapshot | null, after: MetricsSnapshot): Rates {
  if (!before || after.at <= before.at) return NO_RATES
  const seconds = (after.at - before.at) / 1000
  const old = new Map(before.recipients.map((r) => [r.agent, r]))
  let sent = 0
  let handled = 0
  const byAgent = new Map<string, number>()
  for (const r of after.recipients) {
    const o = old.get(r.agent)
    const s = Math.max(0, r.sent - (o?.sent ?? 0))
    const h = Math.max(0, r.acked + r.nacked - (o ? o.acked + o.nacked : 0))
    sent += s
    handled += h
    byAgent.set(r.agent, h / seconds)
  }
  return { sent: sent / seconds, handled: handled / seconds, byAgent }
}
