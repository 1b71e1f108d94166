import { BinaryHeap } from './binary-heap.js'

/** Past this many popped items at its front, the run's array is cut (when they are at least half of it). */
const RUN_COMPACT_AT = 1024

/**
 * A priority queue under `before` for items that mostly arrive in order: an
 * item that comes after the last one of the sorted run joins the run (an
 * array, O(1) both ways), any other goes to a binary heap, and `pop` takes
 * the better of the two fronts. New messages arrive in dispatch order (same
 * priority, rising seq), so a backlog of thousands costs no sifting and no
 * pointer chasing through it; a requeued or higher-priority message goes to
 * the heap and still comes out first. Pops in exactly BinaryHeap's order.
 */
export class RunHeap<T> {
  private run: T[] = []
  /** index of the run's first item */
  private head = 0
  private readonly heap: BinaryHeap<T>

  constructor(private readonly before: (a: T, b: T) => boolean) {
    this.heap = new BinaryHeap(before)
  }

  get size(): number {
    return this.run.length - this.head + this.heap.size
  }

  push(item: T): void {
    const run = this.run
    if (this.head === run.length || !this.before(item, run[run.length - 1]!)) run.push(item)
    else this.heap.push(item)
  }

  peek(): T | undefined {
    const first = this.head < this.run.length ? this.run[this.head] : undefined
    const top = this.heap.peek()
    if (first === undefined) return top
    return top !== undefined && this.before(top, first) ? top : first
  }

  pop(): T | undefined {
    const top = this.heap.peek()
    if (this.head === this.run.length || (top !== undefined && this.before(top, this.run[this.head]!))) return this.heap.pop()
    const first = this.run[this.head]!
    this.run[this.head++] = undefined as T
    if (this.head === this.run.length) {
      this.run = []
      this.head = 0
    } else if (this.head >= RUN_COMPACT_AT && this.head * 2 >= this.run.length) {
      this.run = this.run.slice(this.head)
      this.head = 0
    }
    return first
  }

  /** Keeps only the items for which `keep` is true; O(n). */
  retain(keep: (item: T) => boolean): void {
    this.run = this.run.slice(this.head).filter(keep)
    this.head = 0
    this.heap.retain(keep)
  }
}
