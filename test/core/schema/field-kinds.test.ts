import { describe, expect, it } from 'vitest'
import * as v from 'valibot'
import { bool, duration, int, json, num, oneOf, signal, size, str, stringMap, strings } from '../../../src/core/schema/fields.js'
import { problemsOf, quote, unknownKeys } from '../../../src/core/schema/problems.js'

/** The problems of one optional field `f` holding `value`. */
function check(schema: v.GenericSchema, value: unknown) {
  const p = problemsOf(v.object({ f: v.optional(schema) }), { f: value })
  expect(p.length).toBeLessThanOrEqual(1)
  return p[0]
}

const accepts = (schema: v.GenericSchema, values: unknown[]) => {
  for (const x of values) expect(check(schema, x), `should accept ${quote(x)}`).toBeUndefined()
}
const rejects = (schema: v.GenericSchema, values: unknown[], allowed: string, field = 'f') => {
  for (const x of values) {
    const p = check(schema, x)
    expect(p, `should reject ${quote(x)}`).toBeDefined()
    expect(p!.field.startsWith(field)).toBe(true)
    expect(p!.allowed).toBe(allowed)
  }
}

describe('the field kinds, one by one (what field.ts checked, now on Valibot)', () => {
  it('string', () => {
    accepts(str(), ['', 'a'])
    rejects(str(), [1, true, ['a'], {}], 'a string')
  })

  it('non-empty string', () => {
    accepts(str({ nonEmpty: true }), ['a', ' '])
    rejects(str({ nonEmpty: true }), ['', 0], 'a non-empty string')
  })

  it('string with a pattern says what the pattern means', () => {
    const s = str({ pattern: /^[a-z]+$/, allowed: 'lower-case letters' })
    accepts(s, ['abc'])
    rejects(s, ['ABC', 'a b', '', 5], 'lower-case letters')
  })

  it('integer, with a minimum, with a range', () => {
    accepts(int(), [0, -3, 7, 1e6])
    rejects(int(), [1.5, '1', Number.NaN, Number.POSITIVE_INFINITY, true], 'a whole number')
    rejects(int(), [2 ** 53, -(2 ** 53)], 'a whole number from -9007199254740991 to 9007199254740991')
    rejects(int({ min: 0 }), [-1], 'a whole number >= 0')
    accepts(int({ min: 1, max: 256 }), [1, 256])
    rejects(int({ min: 1, max: 256 }), [0, 257, 'four', 2.5], 'a whole number from 1 to 256')
  })

  it('number', () => {
    accepts(num(), [0, -1.5, 2])
    rejects(num(), ['2', Number.NaN, Number.POSITIVE_INFINITY], 'a number')
    accepts(num({ min: 1 }), [1, 1.5])
    rejects(num({ min: 1 }), [0.5], 'a number >= 1')
  })

  it('boolean', () => {
    accepts(bool(), [true, false])
    rejects(bool(), ['true', 0, 1], 'true or false')
  })

  it('one of, with booleans and strings, lists the allowed values', () => {
    const s = oneOf([true, false, 'on-failure'] as const)
    accepts(s, [true, false, 'on-failure'])
    rejects(s, ['sometimes', 'true', 'ON-FAILURE', 1], 'one of true, false, "on-failure"')
  })

  it('strings: an entry that is not a string is named by its place', () => {
    accepts(strings(), [[], ['a', 'b']])
    rejects(strings(), ['a b', {}], 'an array of strings')
    expect(check(strings(), ['a', 1])).toEqual({ field: 'f[1]', value: 1, allowed: 'a string' })
  })

  it('stringMap takes strings, numbers and booleans as values', () => {
    accepts(stringMap(), [{}, { A: 'x', B: 1, C: true }])
    rejects(stringMap(), [[], 'A=x'], 'an object of string values')
    expect(check(stringMap(), { A: {} })).toEqual({ field: 'f.A', value: {}, allowed: 'a string (or a number or boolean)' })
  })

  it('duration, up to the longest a timer can wait, and with a floor', () => {
    const allowed = "a duration such as '500ms', '5s', '2m' or a number of milliseconds, up to 2147483647 ms (24.8 days, the longest a timer can wait)"
    accepts(duration(), [0, 500, '500ms', '5s', '2m', '1h', 2 ** 31 - 1, '596h'])
    rejects(duration(), ['soon', -1, '5 minutes', {}, 2 ** 31, '1000h', '597h'], allowed)
    accepts(duration({ min: 100 }), [100, '100ms', '1s'])
    rejects(duration({ min: 100 }), [0, 99, '50ms'], "a duration such as '500ms', '5s', '2m' or a number of milliseconds, from 100ms up to 2147483647 ms (24.8 days, the longest a timer can wait)")
  })

  it('signal: only names kill(2) knows, with the closest one suggested', () => {
    accepts(signal(), ['SIGTERM', 'SIGINT', 'SIGKILL', 'SIGUSR1'])
    rejects(signal(), ['SIGTREM', 'TERM', 'sigterm'], "a signal name such as 'SIGTERM' or 'SIGINT' (did you mean 'SIGTERM'?)")
    rejects(signal(), [15, ''], "a signal name such as 'SIGTERM' or 'SIGINT'")
  })

  it('size', () => {
    accepts(size(), [1, '300M', '1G', '512K', '1024'])
    rejects(size(), ['lots', 0, -5, '3TB'], "a size such as '300M', '1G', '512K' or a number of bytes")
  })

  it('json accepts anything present', () => {
    accepts(json(), [null, 0, '', [], {}, false])
  })

  it('a nested object reports its fields as parent.child, every bad one, in schema order', () => {
    const schema = v.object({ backoff: v.optional(v.object({ initial: v.optional(duration()), factor: v.optional(num({ min: 1 })) })) })
    expect(problemsOf(schema, { backoff: { initial: '1s', factor: 2 } })).toEqual([])
    expect(problemsOf(schema, { backoff: { initial: 'fast', factor: 0.5 } }).map((p) => [p.field, p.value])).toEqual([
      ['backoff.initial', 'fast'],
      ['backoff.factor', 0.5],
    ])
    expect(problemsOf(schema, { backoff: 5 })).toHaveLength(1)
  })

  it('a missing required field reads "required: <what is allowed>", with the prefix given', () => {
    expect(problemsOf(v.object({ name: str({ nonEmpty: true }) }), {}, 'agents[0].')).toEqual([
      { field: 'agents[0].name', value: undefined, allowed: 'required: a non-empty string' },
    ])
  })

  it('unknownKeys lists the keys an object schema does not name, in object order', () => {
    const schema = v.object({ script: v.optional(str()) })
    expect(unknownKeys(schema, { scirpt: './a.js', script: './a.js', foo: 1 })).toEqual(['scirpt', 'foo'])
    expect(unknownKeys(schema, { script: 'x' })).toEqual([])
  })
})
