import { describe, expect, it } from 'vitest'
import { MAX_JSON_DEPTH, nestsDeeperThan } from '../../../src/core/protocol/json-depth.js'

function nested(depth: number): unknown {
  return JSON.parse(`${'['.repeat(depth)}${']'.repeat(depth)}`)
}

describe('nestsDeeperThan', () => {
  it('counts arrays and objects, not scalars', () => {
    expect(nestsDeeperThan(5, 0)).toBe(false)
    expect(nestsDeeperThan([], 0)).toBe(true)
    expect(nestsDeeperThan([], 1)).toBe(false)
    expect(nestsDeeperThan({ a: [{ b: 1 }] }, 3)).toBe(false)
    expect(nestsDeeperThan({ a: [{ b: 1 }] }, 2)).toBe(true)
  })

  it('accepts the limit and refuses one level more', () => {
    expect(nestsDeeperThan(nested(MAX_JSON_DEPTH))).toBe(false)
    expect(nestsDeeperThan(nested(MAX_JSON_DEPTH + 1))).toBe(true)
  })

  it('walks 200,000 levels without overflowing the stack', () => {
    expect(nestsDeeperThan(nested(200_000))).toBe(true)
  })

  it('finds a deep branch among wide shallow ones', () => {
    const wide = { many: Array.from({ length: 10_000 }, (_, i) => ({ i })), deep: nested(MAX_JSON_DEPTH) }
    expect(nestsDeeperThan(wide)).toBe(true)
  })
})
