import { describe, expect, it } from 'vitest'
import { quote } from '../../../src/core/schema/problems.js'

describe('quote', () => {
  it('shows a value as JSON, and what JSON cannot say as Node does', () => {
    expect(quote('x')).toBe('"x"')
    expect(quote({ a: [1, null] })).toBe('{"a":[1,null]}')
    expect(quote(undefined)).toBe('nothing')
    expect(quote(Number.NaN)).toBe('NaN')
    expect(quote(-Infinity)).toBe('-Infinity')
    expect(quote(10n)).toBe('10n')
    expect(quote({ n: 10n })).toBe('{ n: 10n }')
    expect(quote(() => 1)).toMatch(/^\[Function/)
    const cyclic: Record<string, unknown> = {}
    cyclic.self = cyclic
    expect(quote(cyclic)).toMatch(/Circular/)
    expect(quote('y'.repeat(100))).toHaveLength(60)
  })
})
