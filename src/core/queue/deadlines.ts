import { BinaryHeap } from './binary-heap.js'
import { MAX_TIMER_DELAY_MS } from './constants.js'

interface Deadline<T> {
  at: number
  item: T
}

/**
 * Items due at given times, with one timer armed for the earliest. Used for
 * delayed messages (notBefore) and ttl expiry: a timer, not a polling loop.
 * Items are not removed when they stop mattering; `onDue` re-checks them.
 */
export class Deadlines<T> {
  private readonly heap = new BinaryHeap<Deadline<T>>((a, b) => a.at < b.at)
  private timer: NodeJS.Timeout | undefined
  private armedFor = Infinity
  private stopped = false

  constructor(
    private readonly now: () => number,
    private readonly onDue: (items: T[]) => void,
  ) {}

  get size(): number {
    return this.heap.size
  }

  add(at: number, item: T): void {
    if (this.stopped) return
    this.heap.push({ at, item })
    if (at < this.armedFor) this.arm()
  }

  stop(): void {
    this.stopped = true
    if (this.timer) clearTimeout(this.timer)
    this.timer = undefined
  }

  private arm(): void {
    if (this.timer) clearTimeout(this.timer)
    this.timer = undefined
    this.armedFor = Infinity
    const next = this.heap.peek()
    if (!next || this.stopped) return
    const delay = Math.min(Math.max(0, next.at - this.now()), MAX_TIMER_DELAY_MS)
    this.armedFor = next.at
    this.timer = setTimeout(() => this.fire(), delay)
    // the daemon's socket keeps the process alive; queue timers should not
    this.timer.unref()
  }

  private fire(): void {
    this.timer = undefined
    this.armedFor = Infinity
    const now = this.now()
    const due: T[] = []
    for (let top = this.heap.peek(); top && top.at <= now; top = this.heap.peek()) {
      this.heap.pop()
      due.push(top.item)
    }
    if (due.length > 0) this.onDue(due)
    this.arm()
  }
}
