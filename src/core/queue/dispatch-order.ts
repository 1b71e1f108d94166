import { RunHeap } from './run-heap.js'
import type { QueueEntry } from './queue-entry.js'

/** Higher priority first; FIFO (lower seq) within a priority. */
export function dispatchesBefore(a: QueueEntry, b: QueueEntry): boolean {
  const pa = a.msg.priority
  const pb = b.msg.priority
  return pa > pb || (pa === pb && a.msg.seq < b.msg.seq)
}

/**
 * The ready messages of every dispatch key (agent name or instance id), each
 * key a RunHeap in dispatch order (new messages arrive in that order, so
 * most never enter a heap proper). Deletion is lazy: entries that left the
 * 'ready' state are dropped when they reach the top.
 */
export class DispatchOrder {
  private readonly heaps = new Map<string, RunHeap<QueueEntry>>()

  push(entry: QueueEntry): void {
    if (entry.inDispatchHeap) return
    let heap = this.heaps.get(entry.key)
    if (!heap) {
      heap = new RunHeap(dispatchesBefore)
      this.heaps.set(entry.key, heap)
    }
    heap.push(entry)
    entry.inDispatchHeap = true
  }

  /** Removes and returns the best ready entry over `keys`. */
  popBest(keys: readonly string[]): QueueEntry | undefined {
    let bestHeap: RunHeap<QueueEntry> | undefined
    let best: QueueEntry | undefined
    for (const key of keys) {
      const heap = this.heaps.get(key)
      if (!heap) continue
      const top = this.liveTop(heap)
      if (top && (!best || dispatchesBefore(top, best))) {
        best = top
        bestHeap = heap
      }
    }
    if (!bestHeap || !best) return undefined
    bestHeap.pop()
    best.inDispatchHeap = false
    return best
  }

  /** Drops stale nodes of one key at once (after a purge). */
  prune(key: string): void {
    const heap = this.heaps.get(key)
    if (!heap) return
    heap.retain((e) => {
      if (e.state === 'ready') return true
      e.inDispatchHeap = false
      return false
    })
    if (heap.size === 0) this.heaps.delete(key)
  }

  private liveTop(heap: RunHeap<QueueEntry>): QueueEntry | undefined {
    for (let top = heap.peek(); top; top = heap.peek()) {
      if (top.state === 'ready') return top
      heap.pop()
      top.inDispatchHeap = false
    }
    return undefined
  }
}
