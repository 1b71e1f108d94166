import { BinaryHeap } from './binary-heap.js'
import { WakeTimer } from './wake-timer.js'

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
  private readonly timer: WakeTimer
  private armedFor = Infinity
  private stopped = false

  constructor(
    private readonly now: () => number,
    private readonly onDue: (items: T[]) => void,
  ) {
    this.timer = new WakeTimer(now, () => this.fire())
  }

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
    this.timer.clear()
  }

  private arm(): void {
    this.timer.clear()
    this.armedFor = Infinity
    const next = this.heap.peek()
    if (!next || this.stopped) return
    this.armedFor = next.at
    this.timer.armAt(next.at)
  }

  private fire(): void {
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
