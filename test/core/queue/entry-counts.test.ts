import { expect, it } from 'vitest'
import { Counts, PRUNE_FLOOR } from '../../../src/core/queue/entry-counts.js'

it('keeps a count at 0 (no delete and re-add per message), reads 0 for what it never counted', () => {
  const c = new Counts()
  c.bump('replier', 1)
  c.bump('replier', -1)
  expect(c.get('replier')).toBe(0)
  expect(c.size).toBe(1)
  expect(c.get('nobody')).toBe(0)
})

it('sheds its zeros when it doubles: 100,000 addresses come and go, the map stays bounded and every live count right', () => {
  const c = new Counts()
  c.bump('steady', 3)
  for (let i = 0; i < 100_000; i++) {
    c.bump(`cli:${i}`, 1)
    c.bump(`cli:${i}`, -1)
    expect(c.size).toBeLessThanOrEqual(PRUNE_FLOOR)
  }
  expect(c.get('steady')).toBe(3)
  // many live keys: the threshold follows them, so shedding stays rare
  for (let i = 0; i < 5_000; i++) c.bump(`live:${i}`, 1)
  for (let i = 0; i < 5_000; i++) expect(c.get(`live:${i}`)).toBe(1)
  expect(c.size).toBeLessThanOrEqual(2 * 5_001 + PRUNE_FLOOR)
})
