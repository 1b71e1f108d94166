import type { EntryState, QueueEntry } from './queue-entry.js'
import type { QueueStats } from './message.js'

/**
 * Totals by state, pending messages per agent and per address, and leased
 * messages per holder, kept up to date on every state change so `orch ls`
 * can ask for each instance's inbox and in-flight count without a scan.
 */
export class EntryCounts {
  private readonly pendingByAgent = new Map<string, number>()
  /** by `to` as addressed: an agent name, an instance id, a CLI address */
  private readonly pendingByAddress = new Map<string, number>()
  /** by the recipient id the message is leased to */
  private readonly inFlightByHolder = new Map<string, number>()
  /** dead letters by the agent name they were for */
  private readonly deadByAgent = new Map<string, number>()
  private pending = 0
  private inFlight = 0
  private dead = 0

  /**
   * Moves `entry` to `next`, keeping the counts right. Entering 'leased'
   * takes the `holder` and sets `entry.leasedTo`; leaving it clears
   * `leasedTo`, so the per-holder counts always match the leases.
   */
  transition(entry: QueueEntry, next: EntryState, holder?: string): void {
    if (entry.state === next) return
    this.add(entry, entry.state, -1)
    if (entry.state === 'leased') entry.leasedTo = undefined
    if (next === 'leased') entry.leasedTo = holder
    this.add(entry, next, 1)
    entry.state = next
  }

  /** Pending messages for an agent: addressed to its name or to any of its instances. */
  inbox(agent: string): number {
    return this.pendingByAgent.get(agent) ?? 0
  }

  /** Pending messages addressed exactly to `to`. */
  pendingTo(to: string): number {
    return this.pendingByAddress.get(to) ?? 0
  }

  /** Messages leased to `holder` and not yet acked or nacked. */
  inFlightOf(holder: string): number {
    return this.inFlightByHolder.get(holder) ?? 0
  }

  /** Dead letters of an agent (its name and its instances). */
  deadOf(agent: string): number {
    return this.deadByAgent.get(agent) ?? 0
  }

  stats(): QueueStats {
    return { pending: this.pending, inFlight: this.inFlight, dead: this.dead }
  }

  private add(entry: QueueEntry, state: EntryState, delta: number): void {
    switch (state) {
      case 'delayed':
      case 'ready':
        this.pending += delta
        bump(this.pendingByAgent, entry.agent, delta)
        bump(this.pendingByAddress, entry.msg.to, delta)
        break
      case 'leased':
        this.inFlight += delta
        if (entry.leasedTo !== undefined) bump(this.inFlightByHolder, entry.leasedTo, delta)
        break
      case 'dead':
        this.dead += delta
        bump(this.deadByAgent, entry.agent, delta)
        break
      case 'gone':
        break
    }
  }
}

/** Adds `delta` to a count, dropping counts that reach 0 so the maps hold only what is there. */
function bump(counts: Map<string, number>, key: string, delta: number): void {
  const n = (counts.get(key) ?? 0) + delta
  if (n === 0) counts.delete(key)
  else counts.set(key, n)
}
