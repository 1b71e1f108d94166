import { describe, expect, it } from 'vitest'
import { instanceIds } from '../../../src/core/queue/addressing.js'
import { nameShare, shareAt } from '../../../src/core/queue/instance-load.js'

const shares = (total: number, n: number): number[] => Array.from({ length: n }, (_, i) => shareAt(total, n, i))
const sum = (xs: number[]): number => xs.reduce((a, b) => a + b, 0)

describe('shareAt: a total split as evenly as can be, the first ones one more', () => {
  it.each<[number, number, number[]]>([
    [10, 3, [4, 3, 3]],
    [11, 3, [4, 4, 3]],
    [9, 3, [3, 3, 3]],
    [2, 3, [1, 1, 0]],
    [0, 3, [0, 0, 0]],
    [7, 1, [7]],
  ])('%d over %d → %j', (total, n, expected) => expect(shares(total, n)).toEqual(expected))

  it('adds up to the total, never more, for any total and count', () => {
    for (let n = 1; n <= 9; n++) {
      for (let total = 0; total <= 50; total++) {
        const s = shares(total, n)
        expect(sum(s)).toBe(total)
        expect(Math.max(...s) - Math.min(...s)).toBeLessThanOrEqual(1)
      }
    }
  })

  it('gives nothing to a position outside the takers', () => {
    expect(shareAt(10, 3, -1)).toBe(0)
    expect(shareAt(10, 3, 3)).toBe(0)
    expect(shareAt(10, 0, 0)).toBe(0)
  })
})

describe('nameShare: among the instances that can take messages, else all', () => {
  const workers = instanceIds('worker', 3)
  const share = (total: number, canTake: (id: string) => boolean): number[] => workers.map((id) => nameShare(total, workers, id, canTake))

  it('splits over all instances in order when none is consuming', () => {
    expect(share(10, () => false)).toEqual([4, 3, 3])
  })

  it('splits over the consuming instances only; the others get none', () => {
    expect(share(10, (id) => id !== 'worker:0')).toEqual([0, 5, 5])
    expect(share(3, (id) => id === 'worker:2')).toEqual([0, 0, 3])
    expect(share(10, () => true)).toEqual([4, 3, 3])
  })

  it('gives nothing to an id that is not an instance of the name', () => {
    expect(nameShare(10, workers, 'worker:7', () => true)).toBe(0)
  })
})

describe('instanceIds', () => {
  it('are the bare name for one instance, name:N from 0 for several', () => {
    expect(instanceIds('solo', 1)).toEqual(['solo'])
    expect(instanceIds('worker', 3)).toEqual(['worker:0', 'worker:1', 'worker:2'])
  })
})
