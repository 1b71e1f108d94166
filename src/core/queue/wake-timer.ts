import { MAX_TIMER_DELAY_MS } from './constants.js'

/**
 * One unref'd timer armed for a point in time, re-armed as that point
 * moves. Leases and deadlines each need one: the earliest of many times.
 */
export class WakeTimer {
  private timer: NodeJS.Timeout | undefined

  constructor(
    private readonly now: () => number,
    private readonly onWake: () => void,
  ) {}

  /** Wakes at `at` (ms epoch), replacing any earlier arming. setTimeout overflows past 2^31-1 ms, hence the cap. */
  armAt(at: number): void {
    this.clear()
    const delay = Math.min(Math.max(0, at - this.now()), MAX_TIMER_DELAY_MS)
    this.timer = setTimeout(() => {
      this.timer = undefined
      this.onWake()
    }, delay)
    // the daemon's socket keeps the process alive; queue timers should not
    this.timer.unref()
  }

  get armed(): boolean {
    return this.timer !== undefined
  }

  clear(): void {
    if (this.timer) clearTimeout(this.timer)
    this.timer = undefined
  }
}
