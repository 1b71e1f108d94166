import { describe, expect, it } from 'vitest'
import * as v from 'valibot'
import { int, str } from '../../../src/core/schema/fields.js'
import { problemsOf } from '../../../src/core/schema/problems.js'

describe('int', () => {
  it('takes safe integers within its bounds, saying what it allows otherwise', () => {
    const schema = v.object({ n: int({ min: 0 }) })
    expect(problemsOf(schema, { n: 3 })).toEqual([])
    expect(problemsOf(schema, { n: -1 })).toEqual([{ field: 'n', value: -1, allowed: 'a whole number >= 0' }])
    expect(problemsOf(schema, { n: 1.5 })).toEqual([{ field: 'n', value: 1.5, allowed: 'a whole number >= 0' }])
    expect(problemsOf(schema, {})).toEqual([{ field: 'n', value: undefined, allowed: 'required: a whole number >= 0' }])
  })

  it('refuses a whole number past 2^53 - 1, giving the range', () => {
    const schema = v.object({ n: int() })
    expect(problemsOf(schema, { n: Number.MAX_SAFE_INTEGER })).toEqual([])
    expect(problemsOf(schema, { n: -Number.MAX_SAFE_INTEGER })).toEqual([])
    for (const n of [2 ** 53, -(2 ** 53), 1e300]) {
      expect(problemsOf(schema, { n })).toEqual([{ field: 'n', value: n, allowed: 'a whole number from -9007199254740991 to 9007199254740991' }])
    }
    expect(problemsOf(v.object({ n: int({ min: 1 }) }), { n: 2 ** 60 })[0]!.allowed).toBe('a whole number from 1 to 9007199254740991')
  })
})

describe('str', () => {
  it('says what it allows, the same for a wrong type and a wrong value', () => {
    const schema = v.object({ s: str({ nonEmpty: true, maxLength: 3 }) })
    expect(problemsOf(schema, { s: '' })).toEqual([{ field: 's', value: '', allowed: 'a non-empty string' }])
    expect(problemsOf(schema, { s: 7 })).toEqual([{ field: 's', value: 7, allowed: 'a non-empty string' }])
  })
})
