import { WakeTimer } from './wake-timer.js'

/**
 * The links Leases keeps on each item it holds (an item is in at most one
 * lease): fields of the item itself, so that taking and releasing a lease
 * touch no hash table. Only Leases reads or writes them; an item starts
 * with `leaseGroup` undefined.
 */
export interface LeaseLinks<T> {
  leaseGroup: LeaseGroup<T> | undefined
  leasePrev: T | undefined
  leaseNext: T | undefined
  /** when its lease expires (ms since the epoch); stale once released */
  leaseExpiresAt: number
}

/** The leases of one duration, in the order they were taken (their expiry order): a doubly linked list through the items. */
interface LeaseGroup<T> {
  readonly ms: number
  head: T | undefined
  tail: T | undefined
}

/**
 * Leases of delivered messages. Leases of one duration expire in the order
 * they were taken (or last renewed), so each duration keeps a list in that
 * order, linked through the items themselves: O(1) take, renew (unlink,
 * append) and release, with no hash table (Maps of the leases in flight,
 * grown and shrunk as a consumer's acks come in batches, cost a busy daemon
 * their rehashes), no stale entries, and the oldest lease of a duration is
 * its list's head. There are few durations (one per agent's leaseTimeout,
 * plus per-message leases), so finding the earliest expiry is a short scan,
 * and one timer armed for it is enough. No timer per message.
 */
export class Leases<T extends LeaseLinks<T>> {
  /** lease duration (ms) → its leases */
  private readonly byDuration = new Map<number, LeaseGroup<T>>()
  private count = 0
  private readonly timer: WakeTimer
  private armedFor = Infinity
  private stopped = false

  constructor(
    private readonly now: () => number,
    private readonly onExpired: (items: T[]) => void,
  ) {
    this.timer = new WakeTimer(now, () => this.fire())
  }

  get size(): number {
    return this.count
  }

  /** Takes (or renews) a lease of `ms`; returns when it expires. */
  take(item: T, ms: number): number {
    const expiresAt = this.now() + ms
    this.unlink(item)
    let group = this.byDuration.get(ms)
    if (!group) {
      group = { ms, head: undefined, tail: undefined }
      this.byDuration.set(ms, group)
    }
    // appended: the group stays in expiry order
    item.leaseGroup = group
    item.leaseExpiresAt = expiresAt
    item.leasePrev = group.tail
    item.leaseNext = undefined
    if (group.tail) group.tail.leaseNext = item
    else group.head = item
    group.tail = item
    this.count++
    if (expiresAt < this.armedFor) this.arm()
    return expiresAt
  }

  /** Renews a held lease by its own duration; returns when it now expires, or undefined when the item holds none. */
  renew(item: T): number | undefined {
    const group = item.leaseGroup
    return group === undefined ? undefined : this.take(item, group.ms)
  }

  /** Ends the item's lease; false when it held none. */
  release(item: T): boolean {
    // the timer may now fire for nothing once; cheaper than re-arming on every ack
    return this.unlink(item)
  }

  stop(): void {
    this.stopped = true
    this.timer.clear()
  }

  private unlink(item: T): boolean {
    const group = item.leaseGroup
    if (group === undefined) return false
    const { leasePrev: prev, leaseNext: next } = item
    if (prev) prev.leaseNext = next
    else group.head = next
    if (next) next.leasePrev = prev
    else group.tail = prev
    item.leaseGroup = undefined
    item.leasePrev = undefined
    item.leaseNext = undefined
    this.count--
    return true
  }

  private arm(): void {
    this.timer.clear()
    this.armedFor = Infinity
    if (this.stopped) return
    for (const [ms, group] of this.byDuration) {
      if (group.head === undefined) {
        this.byDuration.delete(ms)
        continue
      }
      if (group.head.leaseExpiresAt < this.armedFor) this.armedFor = group.head.leaseExpiresAt
    }
    if (this.armedFor !== Infinity) this.timer.armAt(this.armedFor)
  }

  private fire(): void {
    this.armedFor = Infinity
    const now = this.now()
    const expired: T[] = []
    for (const group of this.byDuration.values()) {
      for (let item = group.head; item !== undefined && item.leaseExpiresAt <= now; item = item.leaseNext) expired.push(item)
    }
    for (const item of expired) this.release(item)
    if (expired.length > 0) this.onExpired(expired)
    this.arm()
  }
}
