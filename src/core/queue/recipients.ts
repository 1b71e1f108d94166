import { keysOfRecipient } from './addressing.js'
import type { QueueEntry } from './queue-entry.js'
import type { Recipient } from './queue-options.js'

/** An attached recipient and what it holds. */
export interface AttachedRecipient {
  readonly recipient: Recipient
  /** dispatch keys it draws from, see keysOfRecipient */
  readonly keys: readonly string[]
  readonly leased: Set<QueueEntry>
  attached: boolean
}

/** Attached recipients, by id and by the dispatch keys they draw from. */
export class Recipients {
  private readonly byId = new Map<string, AttachedRecipient>()
  private readonly byKey = new Map<string, AttachedRecipient[]>()
  private turn = 0

  get(id: string): AttachedRecipient | undefined {
    return this.byId.get(id)
  }

  has(id: string): boolean {
    return this.byId.has(id)
  }

  add(recipient: Recipient): AttachedRecipient {
    const attached: AttachedRecipient = {
      recipient,
      keys: keysOfRecipient(recipient.id, recipient.name),
      leased: new Set(),
      attached: true,
    }
    this.byId.set(recipient.id, attached)
    for (const key of attached.keys) this.byKey.set(key, [...(this.byKey.get(key) ?? []), attached])
    return attached
  }

  remove(id: string): AttachedRecipient | undefined {
    const attached = this.byId.get(id)
    if (!attached) return undefined
    attached.attached = false
    this.byId.delete(id)
    for (const key of attached.keys) {
      // a new array, so a dispatch loop holding the old one is not disturbed
      const rest = (this.byKey.get(key) ?? []).filter((a) => a !== attached)
      if (rest.length > 0) this.byKey.set(key, rest)
      else this.byKey.delete(key)
    }
    return attached
  }

  /** Recipients that draw from a dispatch key. */
  drawing(key: string): readonly AttachedRecipient[] | undefined {
    return this.byKey.get(key)
  }

  /**
   * The attached recipient with the fewest leases below `maxInFlight`,
   * starting the search at a rotating position so ties go round robin.
   */
  leastLoaded(candidates: readonly AttachedRecipient[], maxInFlight: number): AttachedRecipient | undefined {
    const n = candidates.length
    const start = this.turn++ % n
    let best: AttachedRecipient | undefined
    for (let i = 0; i < n; i++) {
      const candidate = candidates[(start + i) % n]!
      if (!candidate.attached || candidate.leased.size >= maxInFlight) continue
      if (!best || candidate.leased.size < best.leased.size) best = candidate
    }
    return best
  }
}
