import { describe, expect, it } from 'vitest'
import { BinaryHeap } from '../../../src/core/queue/binary-heap.js'

describe('BinaryHeap', () => {
  it('pops in order and retains a filtered subset in order', () => {
    const heap = new BinaryHeap<number>((a, b) => a < b)
    const values = Array.from({ length: 1_000 }, (_, i) => (i * 7919) % 1_000)
    for (const v of values) heap.push(v)
    heap.retain((v) => v % 2 === 0)
    const out: number[] = []
    for (let v = heap.pop(); v !== undefined; v = heap.pop()) out.push(v)
    expect(out).toEqual(values.filter((v) => v % 2 === 0).sort((a, b) => a - b))
  })
})
