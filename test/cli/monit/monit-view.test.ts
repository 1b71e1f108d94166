import { describe, expect, it } from 'vitest'
import { parseKeys } from '../../../src/cli/monit/keys.js'
import { sparkline } from '../../../src/cli/monit/sparkline.js'

describe('monit keys', () => {
  it('reads arrows, vi keys, r, s, q and Ctrl-C, several in one chunk, skipping other sequences', () => {
    expect(parseKeys('\u001b[A\u001b[Bjk')).toEqual(['up', 'down', 'down', 'up'])
    expect(parseKeys('rsq')).toEqual(['restart', 'toggle', 'quit'])
    expect(parseKeys('\u0003')).toEqual(['quit'])
    expect(parseKeys('\u001b[C\u001b[15~x')).toEqual([])
    expect(parseKeys('\u001bOA')).toEqual(['up'])
  })
})

describe('sparkline', () => {
  it('scales against a ceiling, or from min to max, padded on the left', () => {
    expect(sparkline([0, 50, 100], 5, 100)).toBe('  ▁▅█')
    expect(sparkline([10, 20], 2)).toBe('▁█')
    expect(sparkline([7, 7, 7], 3)).toBe('▄▄▄')
    expect(sparkline([1, 2, 3, 4], 2, 100)).toHaveLength(2)
  })
})
