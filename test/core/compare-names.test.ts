import { expect, it } from 'vitest'
import { compareNames } from '../../src/core/compare-names.js'
import { thousands } from '../../src/core/schema/units.js'

const ALPHABET = 'abcABC019_-'

function randomName(rand: () => number): string {
  const n = 1 + Math.floor(rand() * 6)
  let s = ''
  for (let i = 0; i < n; i++) s += ALPHABET[Math.floor(rand() * ALPHABET.length)]
  return s
}

it("orders agent names as localeCompare does (ICU's root collation), without ICU", () => {
  let seed = 42
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31)
  const names = Array.from({ length: 2000 }, () => randomName(rand))
  expect([...names].sort(compareNames)).toEqual([...names].sort((a, b) => a.localeCompare(b)))
  expect(['worker-2', 'Worker-1', 'api', 'worker_1', 'worker-10', 'b'].sort(compareNames)).toEqual(['api', 'b', 'worker_1', 'Worker-1', 'worker-10', 'worker-2'])
  expect(compareNames('a', 'a')).toBe(0)
})

it('thousands writes what toLocaleString("en-US") writes for integers', () => {
  for (const n of [0, 7, 999, 1000, 12345, 100000, 1234567, 1000000000]) expect(thousands(n)).toBe(n.toLocaleString('en-US'))
})
