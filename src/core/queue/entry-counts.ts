import type { EntryState, QueueEntry } from './queue-entry.js'
import type { QueueStats } from './message.js'

/**
 * Totals by state, pending messages per agent and per address, and leased
 * messages per holder, kept up to date on every state change so `orch ls`
 * can ask for each instance's inbox and in-flight count without a scan.
 */
export class EntryCounts {
  private readonly pendingByAgent = new Counts()
  /** by `to` as addressed: an agent name, an instance id, a CLI address */
  private readonly pendingByAddress = new Counts()
  /** by the recipient id the message is leased to */
  private readonly inFlightByHolder = new Counts()
  /** dead letters by the agent name they were for */
  private readonly deadByAgent = new Counts()
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
    return this.pendingByAgent.get(agent)
  }

  /** Pending messages addressed exactly to `to`. */
  pendingTo(to: string): number {
    return this.pendingByAddress.get(to)
  }

  /** Messages leased to `holder` and not yet acked or nacked. */
  inFlightOf(holder: string): number {
    return this.inFlightByHolder.get(holder)
  }

  /** Dead letters of an agent (its name and its instances). */
  deadOf(agent: string): number {
    return this.deadByAgent.get(agent)
  }

  stats(): QueueStats {
    return { pending: this.pending, inFlight: this.inFlight, dead: this.dead }
  }

  private add(entry: QueueEntry, state: EntryState, delta: number): void {
    switch (state) {
      case 'delayed':
      case 'ready':
        this.pending += delta
        this.pendingByAgent.bump(entry.agent, delta)
        this.pendingByAddress.bump(entry.msg.to, delta)
        break
      case 'leased':
        this.inFlight += delta
        if (entry.leasedTo !== undefined) this.inFlightByHolder.bump(entry.leasedTo, delta)
        break
      case 'dead':
        this.dead += delta
        this.deadByAgent.bump(entry.agent, delta)
        break
      case 'gone':
        break
    }
  }
}

/** A count map sheds its zeros when it reaches this many keys, or twice what it kept at its last shedding. */
export const PRUNE_FLOOR = 1024

/**
 * Counts by key. A count that reaches 0 stays in the map: a message
 * dispatched at once takes its agent's pending count 0 → 1 → 0, and
 * deleting and re-adding the key each time cost 2–3 % of the daemon's CPU
 * under load. The zeros are shed when the map doubles (addresses come and
 * go: CLI callers, replaced instances), so it stays bounded by twice what
 * is counted, at an amortised constant cost.
 */
export class Counts {
  private readonly map = new Map<string, number>()
  private pruneAt = PRUNE_FLOOR

  get(key: string): number {
    return this.map.get(key) ?? 0
  }

  bump(key: string, delta: number): void {
    const n = (this.map.get(key) ?? 0) + delta
    this.map.set(key, n)
    if (this.map.size >= this.pruneAt) {
      for (const [k, v] of this.map) if (v === 0) this.map.delete(k)
      this.pruneAt = Math.max(PRUNE_FLOOR, this.map.size * 2)
    }
  }

  /** Keys held, zeros included (tests). */
  get size(): number {
    return this.map.size
  }
}
