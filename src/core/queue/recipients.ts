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
 * recipient per id receives (the newest); the ones it replaced wait in
 * standby and the newest of them takes over, leases included, when it leaves.
 */
export class Recipients {
  private readonly byId = new Map<string, AttachedRecipient>()
  private readonly byKey = new Map<string, AttachedRecipient[]>()
  /** recipients replaced by a newer one with the same id, newest last: the next to resume */
  private readonly standby = new Map<string, Recipient[]>()
  private turn = 0

  constructor(private readonly defaults: { maxInFlight: number; leaseMs: number }) {}

  get(id: string): AttachedRecipient | undefined {
    return this.byId.get(id)
  }

  has(id: string): boolean {
    return this.byId.has(id)
  }

  /**
   * Makes `recipient` the one receiving for its id. One already attached
   * with that id goes to standby and is returned as `replaced`; its leases
   * move over, since they belong to the id. Nothing is attached when it
   * already is.
   */
  attach(recipient: Recipient): { attached?: AttachedRecipient; replaced?: Recipient } {
    this.leaveStandby(recipient)
    const current = this.byId.get(recipient.id)
    if (current?.recipient === recipient) return {}
    if (current) {
      this.remove(recipient.id)
      this.standby.set(recipient.id, [...(this.standby.get(recipient.id) ?? []), current.recipient])
    }
    return { attached: this.add(recipient, current?.leased), replaced: current?.recipient }
  }

  /**
   * `recipient` (one connection) left. If it was waiting in standby, the
   * attached recipient of its id is returned as `holder` (it holds what was
   * pushed to the leaver). If it was receiving, it is removed and returned
   * as `removed`: fail what must fail, then `resume` the id.
   */
  leave(recipient: Recipient): { standby: true; holder?: AttachedRecipient } | { standby: false; removed: AttachedRecipient } | undefined {
    if (this.leaveStandby(recipient)) return { standby: true, holder: this.byId.get(recipient.id) }
    if (this.byId.get(recipient.id)?.recipient !== recipient) return undefined
    return { standby: false, removed: this.remove(recipient.id)! }
  }

  /** After the receiving recipient of `id` left: the newest in standby takes over, with `leased`. */
  resume(id: string, leased: Set<QueueEntry>): AttachedRecipient | undefined {
    const next = this.standby.get(id)?.pop()
    if (this.standby.get(id)?.length === 0) this.standby.delete(id)
    return next ? this.add(next, leased) : undefined
  }

  /** Every recipient of `id` goes (its agent died); returns the one that was receiving. */
  removeAll(id: string): AttachedRecipient | undefined {
    this.standby.delete(id)
    return this.remove(id)
  }

  private add(recipient: Recipient, leased: Set<QueueEntry> = new Set()): AttachedRecipient {
    const keys = keysOfRecipient(recipient.id, recipient.name)
    let busy = 0
    for (const entry of leased) if (!entry.isReply) busy++
    const attached: AttachedRecipient = {
      recipient,
      keys,
      replyKeys: keys.map(replyKeyOf),
      maxInFlight: recipient.maxInFlight ?? this.defaults.maxInFlight,
      leaseMs: recipient.leaseMs ?? this.defaults.leaseMs,
      leased,
      busy,
      attached: true,
    }
    this.byId.set(recipient.id, attached)
    for (const key of [...attached.keys, ...attached.replyKeys]) this.byKey.set(key, [...(this.byKey.get(key) ?? []), attached])
    return attached
  }

  private leaveStandby(recipient: Recipient): boolean {
    const list = this.standby.get(recipient.id)
    const i = list?.indexOf(recipient) ?? -1
    if (i < 0) return false
    list!.splice(i, 1)
    if (list!.length === 0) this.standby.delete(recipient.id)
    return true
  }

  private remove(id: string): AttachedRecipient | undefined {
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
