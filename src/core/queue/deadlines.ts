import { BinaryHeap } from './binary-heap.js'
import { WakeTimer } from './wake-timer.js'

interface Deadline<T> {
  at: number
  item: T
}

/** Below this many items the heap is never pruned. */
export const PRUNE_FLOOR = 1024

/**
 * Items due at given times, with one timer armed for the earliest. Used for
 * delayed messages (notBefore) and ttl expiry: a timer, not a polling loop.
 * Items are not removed when they stop mattering; `onDue` re-checks them.
 * Given `keep`, each time the heap has doubled the items it refuses are dropped:
 * without that, every request an SDK agent made (its ttl is its timeout, 30 s
 * by default) stayed in the heap until then, acked long before, with its
 * message and payload: at 10,000 round trips/s, 300,000 of them, promoted to
 * the old generation 2 MB per scavenge (docs/benchmarks.md).
 */
export class Deadlines<T> {
  private readonly heap = new BinaryHeap<Deadline<T>>((a, b) => a.at < b.at)
  private readonly timer: WakeTimer
  private armedFor = Infinity
  private stopped = false
  private pruneAt = PRUNE_FLOOR

  constructor(
    private readonly now: () => number,
    private readonly onDue: (items: T[]) => void,
    /** whether an item still matters; one it refuses is dropped unseen by `onDue` (so `keep` may note that) */
    private readonly keep?: (item: T) => boolean,
  ) {
    this.timer = new WakeTimer(now, () => this.fire())
  }

  get size(): number {
    return this.heap.size
  }

  add(at: number, item: T): void {
    if (this.stopped) return
    if (this.keep && this.heap.size >= this.pruneAt) this.prune(this.keep)
    this.heap.push({ at, item })
    if (at < this.armedFor) this.arm()
  }

  /** Drops what `keep` refuses, in O(n) once the heap doubled since the last time: O(1) per add. */
  private prune(keep: (item: T) => boolean): void {
    this.heap.retain((d) => keep(d.item))
    this.pruneAt = Math.max(PRUNE_FLOOR, this.heap.size * 2)
    this.arm()
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
