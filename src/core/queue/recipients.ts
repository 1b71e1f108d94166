import { keysOfRecipient, replyKeyOf } from './addressing.js'
import type { QueueEntry } from './queue-entry.js'
import type { Recipient } from './queue-options.js'

/** An attached recipient and what it holds. */
export interface AttachedRecipient {
  readonly recipient: Recipient
  /** dispatch keys of its work, see keysOfRecipient */
  readonly keys: readonly string[]
  /** dispatch keys of replies to it: delivered whatever its concurrency */
  readonly replyKeys: readonly string[]
  /** unacked work (not replies) it may hold at once */
  readonly maxInFlight: number
  /** how long each delivery to it is leased, unless the message says otherwise */
  readonly leaseMs: number
  /** everything leased to it, replies included */
  readonly leased: Set<QueueEntry>
  /** leased work, replies excluded: what `maxInFlight` bounds */
  busy: number
  attached: boolean
}

/**
 * Attached recipients, by id and by the dispatch keys they draw from. One
 * recipient per id is attached; others with the same id wait in `standby`
 * (newest last) and take over, leases included, when it leaves.
 */
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

  add(recipient: Recipient, maxInFlight: number, leaseMs: number, leased: Set<QueueEntry> = new Set(), busy = 0): AttachedRecipient {
    const keys = keysOfRecipient(recipient.id, recipient.name)
    const attached: AttachedRecipient = {
      recipient,
      keys,
      replyKeys: keys.map(replyKeyOf),
      maxInFlight,
      leaseMs,
      leased,
      busy,
      attached: true,
    }
    this.byId.set(recipient.id, attached)
    for (const key of [...attached.keys, ...attached.replyKeys]) this.byKey.set(key, [...(this.byKey.get(key) ?? []), attached])
    return attached
  }

  remove(id: string): AttachedRecipient | undefined {
    const attached = this.byId.get(id)
    if (!attached) return undefined
    attached.attached = false
    this.byId.delete(id)
    for (const key of [...attached.keys, ...attached.replyKeys]) {
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
   * The attached recipient with the least work in flight, below its own
   * `maxInFlight`, starting the search at a rotating position so ties go
   * round robin.
   */
  leastLoaded(candidates: readonly AttachedRecipient[]): AttachedRecipient | undefined {
    const n = candidates.length
    const start = this.turn++ % n
    let best: AttachedRecipient | undefined
    for (let i = 0; i < n; i++) {
      const candidate = candidates[(start + i) % n]!
      if (!candidate.attached || candidate.busy >= candidate.maxInFlight) continue
      if (!best || candidate.busy < best.busy) best = candidate
    }
    return best
  }
}
