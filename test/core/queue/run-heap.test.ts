import { describe, expect, it } from 'vitest'
import { BinaryHeap } from '../../../src/core/queue/binary-heap.js'
import { RunHeap } from '../../../src/core/queue/run-heap.js'

interface Item {
  priority: number
  seq: number
}
const before = (a: Item, b: Item): boolean => a.priority > b.priority || (a.priority === b.priority && a.seq < b.seq)

/** A small deterministic generator, so a failure replays. */
function random(seed: number): () => number {
  let s = seed
  return () => {
    s = (s * 1103515245 + 12345) % 2 ** 31
    return s / 2 ** 31
  }
}

describe('RunHeap', () => {
  it('pops in exactly the order of a binary heap, whatever the mix of in-order and out-of-order pushes', () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const rnd = random(seed)
      const runHeap = new RunHeap(before)
      const heap = new BinaryHeap(before)
      let seq = 0
      for (let step = 0; step < 20_000; step++) {
        const r = rnd()
        if (r < 0.55) {
          // mostly in order (same priority, rising seq); sometimes a higher priority or an old seq (a requeue)
          const kind = rnd()
          const item = kind < 0.8 ? { priority: 0, seq: seq++ } : kind < 0.9 ? { priority: Math.floor(rnd() * 5), seq: seq++ } : { priority: 0, seq: Math.floor(rnd() * seq) - seq }
          runHeap.push(item)
          heap.push(item)
        } else {
          expect(runHeap.peek()).toBe(heap.peek())
          expect(runHeap.pop()).toBe(heap.pop())
        }
        expect(runHeap.size).toBe(heap.size)
      }
      for (let item = heap.pop(); item !== undefined; item = heap.pop()) expect(runHeap.pop()).toBe(item)
      expect(runHeap.pop()).toBeUndefined()
      expect(runHeap.size).toBe(0)
    }
  })

  it('keeps its order across the compaction of a long run and a retain', () => {
    const runHeap = new RunHeap(before)
    for (let seq = 0; seq < 5_000; seq++) runHeap.push({ priority: 0, seq })
    for (let i = 0; i < 3_000; i++) expect(runHeap.pop()!.seq).toBe(i)
    runHeap.push({ priority: 1, seq: 10_000 })
    runHeap.retain((item) => item.seq % 2 === 0)
    expect(runHeap.pop()!.seq).toBe(10_000)
    const rest: number[] = []
    for (let item = runHeap.pop(); item !== undefined; item = runHeap.pop()) rest.push(item.seq)
    expect(rest).toEqual(Array.from({ length: 1_000 }, (_, i) => 3_000 + 2 * i))
  })
})
