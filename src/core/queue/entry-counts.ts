import type { EntryState, QueueEntry } from './queue-entry.js'
import type { QueueStats } from './message.js'

/**
 * Totals by state, and pending messages per agent, kept up to date on every
 * state change so `orch ls` can ask for each agent's inbox in O(1).
 */
export class EntryCounts {
  private readonly pendingByAgent = new Map<string, number>()
  private pending = 0
  private inFlight = 0
  private dead = 0

  /** Moves `entry` to `next`, keeping the counts right. */
  transition(entry: QueueEntry, next: EntryState): void {
    if (entry.state === next) return
    this.add(entry, entry.state, -1)
    this.add(entry, next, 1)
    entry.state = next
  }

  inbox(agent: string): number {
    return this.pendingByAgent.get(agent) ?? 0
  }

  stats(): QueueStats {
    return { pending: this.pending, inFlight: this.inFlight, dead: this.dead }
  }

  private add(entry: QueueEntry, state: EntryState, delta: number): void {
    switch (state) {
      case 'delayed':
      case 'ready': {
        this.pending += delta
        const n = (this.pendingByAgent.get(entry.agent) ?? 0) + delta
        if (n === 0) this.pendingByAgent.delete(entry.agent)
        else this.pendingByAgent.set(entry.agent, n)
        break
      }
      case 'leased':
        this.inFlight += delta
        break
      case 'dead':
        this.dead += delta
        break
      case 'gone':
        break
    }
  }
}
