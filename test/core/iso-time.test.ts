import { describe, expect, it } from 'vitest'
import { isoTime } from '../../src/core/iso-time.js'

describe('isoTime', () => {
  it('is toISOString for years 0 to 9999', () => {
    const times = [0, 1, 9, 10, 99, 100, 999, 1000, Date.UTC(2026, 11, 2, 23, 59, 59, 999), Date.UTC(9999, 11, 31, 23, 59, 59, 999), Date.UTC(1, 0, 1), -62_135_596_800_000 /* 0001-01-01 */, -62_000_000_000_000 /* year 5 */, -30_000_000_000_000 /* year 1019 */]
    for (let i = 0; i < 10_000; i++) times.push(Math.floor(-62_135_596_800_000 + Math.random() * (Date.UTC(9999, 11, 31) + 62_135_596_800_000)))
    for (const t of times) expect(isoTime(t)).toBe(new Date(t).toISOString())
  })
})
