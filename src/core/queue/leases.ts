import { WakeTimer } from './wake-timer.js'

/**
 * Leases of delivered messages. Every lease lasts the same `leaseMs`, so the
 * order leases were taken is the order they expire: an insertion-ordered Map
 * gives O(1) take and release, the oldest lease is its first entry, and one
 * timer (armed for that oldest lease) is enough. No timer per message.
 */
export class Leases<T> {
  private readonly expiries = new Map<T, number>()
  private readonly timer: WakeTimer
  private stopped = false

  constructor(
    private readonly leaseMs: number,
    private readonly now: () => number,
    private readonly onExpired: (items: T[]) => void,
  ) {
    this.timer = new WakeTimer(now, () => this.fire())
  }

  get size(): number {
    return this.expiries.size
  }

  /** Takes a lease; returns when it expires. */
  take(item: T): number {
    const expiresAt = this.now() + this.leaseMs
    // re-inserting moves it to the end, keeping the map in expiry order
    this.expiries.delete(item)
    this.expiries.set(item, expiresAt)
    if (!this.timer.armed) this.arm()
    return expiresAt
  }

  release(item: T): boolean {
    // the timer may now fire for nothing once; cheaper than re-arming on every ack
    return this.expiries.delete(item)
  }

  stop(): void {
    this.stopped = true
    this.timer.clear()
  }

  private arm(): void {
    this.timer.clear()
    if (this.stopped) return
    const first = this.expiries.values().next()
    if (first.done) return
    this.timer.armAt(first.value)
  }

  private fire(): void {
    const now = this.now()
    const expired: T[] = []
    for (const [item, at] of this.expiries) {
      if (at > now) break
      expired.push(item)
    }
    for (const item of expired) this.expiries.delete(item)
    if (expired.length > 0) this.onExpired(expired)
    this.arm()
  }
}
