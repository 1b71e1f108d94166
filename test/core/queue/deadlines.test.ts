import { afterEach, describe, expect, it, vi } from 'vitest'
import { Deadlines, PRUNE_FLOOR } from '../../../src/core/queue/deadlines.js'

describe('Deadlines', () => {
  afterEach(() => void vi.useRealTimers())

  it('does not keep items that stopped mattering until their time: the heap stays within twice what still matters', () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] })
    const done = new Set<number>()
    const deadlines = new Deadlines<number>(Date.now, () => {}, (n) => !done.has(n))
    // 30 s ttls of requests answered at once, as an SDK agent's round trips make them
    for (let i = 0; i < 100_000; i++) {
      deadlines.add(Date.now() + 30_000, i)
      done.add(i)
    }
    expect(deadlines.size).toBeLessThanOrEqual(2 * PRUNE_FLOOR)
    deadlines.stop()
  })

  it('still fires what it kept, in time order, and nothing it dropped', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] })
    const fired: number[] = []
    const live = (n: number): boolean => n % 100 === 0
    const deadlines = new Deadlines<number>(Date.now, (due) => fired.push(...due), live)
    const t0 = Date.now()
    // latest first, so that the heap's order matters
    for (let i = 5 * PRUNE_FLOOR; i > 0; i--) deadlines.add(t0 + 1_000 + i, i)
    expect(deadlines.size).toBeLessThan(5 * PRUNE_FLOOR)
    await vi.advanceTimersByTimeAsync(1_000 + 5 * PRUNE_FLOOR + 1)
    const kept = Array.from({ length: 5 * PRUNE_FLOOR }, (_, i) => i + 1).filter(live)
    // those added after the last pruning were never asked; the due callback re-checks items anyway
    expect(fired.filter(live)).toEqual(kept)
    expect(fired.length).toBeLessThan(5 * PRUNE_FLOOR)
    deadlines.stop()
  })
})
