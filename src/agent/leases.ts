import { LEASE_RENEWALS_PER_LEASE, MIN_LEASE_RENEW_INTERVAL_MS } from './constants.js'
import { outsideHandling } from './context.js'

/** Renews the leases of these messages, which came on connection `epoch`. Must not reject. */
export type ExtendLeases = (epoch: number, ids: string[]) => Promise<void>

interface Held {
  epoch: number
  intervalMs: number
  /** when this lease should be renewed next */
  dueAt: number
}

/**
 * Keeps the leases of running handlers alive, as BullMQ's lock manager does:
 * one timer for all of them; each lease is renewed every third of its
 * duration, and leases falling due within half an interval of each other go
 * in one `queue.extend` frame. Renewing stops the moment the handler settles.
 */
export class LeaseKeeper {
  private readonly held = new Map<string, Held>()
  private timer: NodeJS.Timeout | undefined
  private timerAt = Infinity

  constructor(
    private readonly extend: ExtendLeases,
    private readonly now: () => number = Date.now,
  ) {}

  /** How many leases are being renewed. */
  get size(): number {
    return this.held.size
  }

  /** Starts renewing message `id`'s lease of `leaseMs`, taken on connection `epoch`; returns the function that stops it. */
  hold(id: string, epoch: number, leaseMs: number): () => void {
    const intervalMs = Math.max(MIN_LEASE_RENEW_INTERVAL_MS, Math.floor(leaseMs / LEASE_RENEWALS_PER_LEASE))
    const entry: Held = { epoch, intervalMs, dueAt: this.now() + intervalMs }
    this.held.set(id, entry)
    this.schedule(entry.dueAt)
    return () => {
      if (this.held.get(id) === entry) this.release(id)
    }
  }

  /**
   * Stops renewing `id` (its handler settled, its lease was lost, or its
   * connection is gone). The timer stays: with short handlers coming and
   * going, one timer per renewal interval is cheaper than one per message;
   * finding nothing due, it is not set again.
   */
  release(id: string): void {
    this.held.delete(id)
  }

  /** Stops renewing everything. */
  clear(): void {
    this.held.clear()
    this.clearTimer()
  }

  private schedule(at: number): void {
    if (at >= this.timerAt) return
    this.clearTimer()
    this.timerAt = at
    // created inside a handler, the timer would otherwise carry that handler's message into every later renewal
    this.timer = outsideHandling(() => setTimeout(() => this.tick(), Math.max(0, at - this.now())))
    // renewals alone must not keep a process alive
    this.timer.unref()
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer)
    this.timer = undefined
    this.timerAt = Infinity
  }

  private tick(): void {
    this.timer = undefined
    this.timerAt = Infinity
    const now = this.now()
    const due = new Map<number, string[]>()
    let next = Infinity
    for (const [id, h] of this.held) {
      // renew a little early what falls due soon, so that leases of about the same age share one frame
      if (h.dueAt - h.intervalMs / 2 <= now) {
        h.dueAt = now + h.intervalMs
        const ids = due.get(h.epoch)
        if (ids) ids.push(id)
        else due.set(h.epoch, [id])
      }
      next = Math.min(next, h.dueAt)
    }
    for (const [epoch, ids] of due) void this.extend(epoch, ids)
    if (next < Infinity) this.schedule(next)
  }
}
