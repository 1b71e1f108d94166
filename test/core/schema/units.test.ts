import { describe, expect, it } from 'vitest'
import { parseDuration, parseSize } from '../../../src/core/schema/units.js'

const MiB = 1024 * 1024

describe('parseDuration', () => {
  it.each([
    [0, 0],
    [100, 100],
    [1.5, 1.5],
    ['0', 0],
    ['100', 100],
    ['100ms', 100],
    ['5s', 5_000],
    ['1.5s', 1_500],
    ['2m', 120_000],
    ['1h', 3_600_000],
    [' 5s ', 5_000],
    ['5 s', 5_000],
    ['60s', 60_000],
    ['0.5ms', 1],
  ])('parses %j as %d ms', (input, ms) => {
    expect(parseDuration(input)).toBe(ms)
  })

  it.each([
    ['soon'],
    [''],
    ['   '],
    ['5x'],
    ['5sec'],
    ['5S'],
    ['-5s'],
    ['s'],
    ['1e3'],
    ['5s5'],
    [-1],
    [Number.NaN],
    [Number.POSITIVE_INFINITY],
    [null],
    [undefined],
    [true],
    [{}],
    [['5s']],
  ])('rejects %j', (input) => {
    expect(parseDuration(input)).toBeUndefined()
  })
})

describe('parseSize', () => {
  it.each([
    [1, 1],
    [1024, 1024],
    ['1024', 1024],
    ['512K', 512 * 1024],
    ['512k', 512 * 1024],
    ['300M', 300 * MiB],
    ['300m', 300 * MiB],
    ['300MB', 300 * MiB],
    ['300MiB', 300 * MiB],
    [' 300 M ', 300 * MiB],
    ['1G', 1024 * MiB],
    ['1.5G', 1.5 * 1024 * MiB],
    ['100B', 100],
  ])('parses %j as %d bytes', (input, bytes) => {
    expect(parseSize(input)).toBe(bytes)
  })

  it.each([
    ['lots'],
    [''],
    ['300X'],
    ['300 megabytes'],
    ['-1M'],
    ['1T'],
    [0],
    [-1],
    [Number.NaN],
    [Number.POSITIVE_INFINITY],
    [null],
    [undefined],
    [false],
    [{}],
  ])('rejects %j', (input) => {
    expect(parseSize(input)).toBeUndefined()
  })

  it.each([['0'], ['0M'], ['0.0001K']])('rejects the zero size %j, as it rejects the number 0', (input) => {
    // A memory limit of 0 bytes would restart an agent on every sample.
    expect(parseSize(input)).toBeUndefined()
  })
})
