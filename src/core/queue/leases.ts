import { WakeTimer } from './wake-timer.js'

/**
 * Leases of delivered messages. Leases of one duration expire in the order
 * they were taken (or last renewed), so each duration keeps an
 * insertion-ordered Map: O(1) take, renew (delete + set moves it to the end)
 * and release, no stale entries, and the oldest lease of a duration is its
 * first entry. There are few durations (one per agent's leaseTimeout, plus
 * per-message leases), so finding the earliest expiry is a short scan, and
 * one timer armed for it is enough. No timer per message.
 */
export class Leases<T> {
  /** lease duration (ms) → item → expiry, in expiry order */
  private readonly byDuration = new Map<number, Map<T, number>>()
  private readonly durationOf = new Map<T, number>()
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
    return this.durationOf.size
  }

  /** Takes (or renews) a lease of `ms`; returns when it expires. */
  take(item: T, ms: number): number {
    const expiresAt = this.now() + ms
    const previous = this.durationOf.get(item)
    if (previous !== undefined) this.byDuration.get(previous)?.delete(item)
    let group = this.byDuration.get(ms)
    if (!group) {
      group = new Map()
      this.byDuration.set(ms, group)
    }
    // re-inserting moves it to the end, keeping the group in expiry order
    group.set(item, expiresAt)
    this.durationOf.set(item, ms)
    if (expiresAt < this.armedFor) this.arm()
    return expiresAt
  }

  /** Renews a held lease by its own duration; undefined when the item holds none. */
  renew(item: T): number | undefined {
    const ms = this.durationOf.get(item)
    return ms === undefined ? undefined : this.take(item, ms)
  }

  release(item: T): boolean {
    const ms = this.durationOf.get(item)
    if (ms === undefined) return false
    this.durationOf.delete(item)
    this.byDuration.get(ms)?.delete(item)
    // the timer may now fire for nothing once; cheaper than re-arming on every ack
    return true
  }

  stop(): void {
    this.stopped = true
    this.timer.clear()
  }

  private arm(): void {
    this.timer.clear()
    this.armedFor = Infinity
    if (this.stopped) return
    for (const [ms, group] of this.byDuration) {
      const first = group.values().next()
      if (first.done) {
        this.byDuration.delete(ms)
        continue
      }
      if (first.value < this.armedFor) this.armedFor = first.value
    }
    if (this.armedFor !== Infinity) this.timer.armAt(this.armedFor)
  }

  private fire(): void {
    this.armedFor = Infinity
    const now = this.now()
    const expired: T[] = []
    for (const group of this.byDuration.values()) {
      for (const [item, at] of group) {
        if (at > now) break
        expired.push(item)
      }
    }
    for (const item of expired) this.release(item)
    if (expired.length > 0) this.onExpired(expired)
    this.arm()
  }
}
