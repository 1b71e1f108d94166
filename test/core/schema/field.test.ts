import { describe, expect, it } from 'vitest'
import { checkSchema, isPlainObject, quote, unknownFields, type FieldSpec } from '../../../src/core/schema/field.js'

/** Checks one value against one spec; returns the problem or undefined. */
function check(spec: FieldSpec, value: unknown) {
  const p = checkSchema({ f: spec }, { f: value })
  expect(p.length).toBeLessThanOrEqual(1)
  return p[0]
}

const accepts = (spec: FieldSpec, values: unknown[]) => {
  for (const v of values) expect(check(spec, v), `should accept ${quote(v)}`).toBeUndefined()
}
const rejects = (spec: FieldSpec, values: unknown[], allowed: string) => {
  for (const v of values) {
    const p = check(spec, v)
    expect(p, `should reject ${quote(v)}`).toBeDefined()
    expect(p!.field).toBe('f')
    expect(p!.value).toBe(v)
    expect(p!.allowed).toBe(allowed)
  }
}

describe('quote', () => {
  it.each([
    [undefined, 'nothing'],
    ['soon', '"soon"'],
    ['', '""'],
    ['say "hi"', '"say \\"hi\\""'],
    [42, '42'],
    [-1, '-1'],
    [true, 'true'],
    [null, 'null'],
    [[1, 'a'], '[1,"a"]'],
    [{ a: {} }, '{"a":{}}'],
  ])('renders %j as %s', (value, text) => {
    expect(quote(value)).toBe(text)
  })

  it('shortens long values to 60 characters ending in ...', () => {
    const q = quote('x'.repeat(500))
    expect(q).toHaveLength(60)
    expect(q.endsWith('...')).toBe(true)
    expect(q.startsWith('"xxx')).toBe(true)
    expect(quote('x'.repeat(58))).toHaveLength(60)
    expect(quote('x'.repeat(58)).endsWith('x"')).toBe(true)
  })

  it('never throws on values JSON cannot render', () => {
    const cyclic: Record<string, unknown> = {}
    cyclic.self = cyclic
    expect(quote(cyclic)).toBe('[object Object]')
    expect(quote(10n)).toBe('10')
    expect(quote(Symbol('s'))).toBe('Symbol(s)')
    expect(quote(() => 1)).toContain('=>')
    expect(quote(Number.NaN)).toBe('null')
  })
})

describe('isPlainObject', () => {
  it('is true for objects only', () => {
    expect(isPlainObject({})).toBe(true)
    expect(isPlainObject({ a: 1 })).toBe(true)
    expect(isPlainObject([])).toBe(false)
    expect(isPlainObject(null)).toBe(false)
    expect(isPlainObject('x')).toBe(false)
    expect(isPlainObject(undefined)).toBe(false)
  })
})

describe('checkSchema, kind by kind', () => {
  it('string', () => {
    accepts({ kind: 'string' }, ['', 'a'])
    rejects({ kind: 'string' }, [1, null, true, ['a'], {}], 'a string')
  })

  it('non-empty string', () => {
    accepts({ kind: 'string', nonEmpty: true }, ['a', ' '])
    rejects({ kind: 'string', nonEmpty: true }, ['', 0], 'a non-empty string')
  })

  it('string with a pattern says what the pattern means', () => {
    const spec: FieldSpec = { kind: 'string', pattern: /^[a-z]+$/, patternText: 'lower-case letters' }
    accepts(spec, ['abc'])
    rejects(spec, ['ABC', 'a b', '', 5], 'lower-case letters')
  })

  it('integer', () => {
    accepts({ kind: 'integer' }, [0, -3, 7, 1e6])
    rejects({ kind: 'integer' }, [1.5, '1', Number.NaN, Number.POSITIVE_INFINITY, null, true], 'a whole number')
  })

  it('integer: a safe one, ±(2^53 - 1); past it the message gives the range', () => {
    accepts({ kind: 'integer' }, [Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER])
    rejects({ kind: 'integer' }, [2 ** 53, -(2 ** 53), 1e300], 'a whole number from -9007199254740991 to 9007199254740991')
    rejects({ kind: 'integer', min: 0 }, [2 ** 53], 'a whole number from 0 to 9007199254740991')
  })

  it('integer with a minimum', () => {
    accepts({ kind: 'integer', min: 0 }, [0, 3])
    rejects({ kind: 'integer', min: 0 }, [-1], 'a whole number >= 0')
  })

  it('integer with a range', () => {
    const spec: FieldSpec = { kind: 'integer', min: 1, max: 256 }
    accepts(spec, [1, 256])
    rejects(spec, [0, 257, 'four', 2.5], 'a whole number from 1 to 256')
  })

  it('number', () => {
    accepts({ kind: 'number' }, [0, -1.5, 2])
    rejects({ kind: 'number' }, ['2', Number.NaN, Number.POSITIVE_INFINITY, null], 'a number')
    accepts({ kind: 'number', min: 1 }, [1, 1.5])
    rejects({ kind: 'number', min: 1 }, [0.5], 'a number >= 1')
  })

  it('boolean', () => {
    accepts({ kind: 'boolean' }, [true, false])
    rejects({ kind: 'boolean' }, ['true', 0, 1, null], 'true or false')
  })

  it('enum, with booleans and strings, lists the allowed values', () => {
    const spec: FieldSpec = { kind: 'enum', values: [true, false, 'on-failure'] }
    accepts(spec, [true, false, 'on-failure'])
    rejects(spec, ['sometimes', 'true', 'ON-FAILURE', 1, null], 'one of true, false, "on-failure"')
  })

  it('stringArray', () => {
    accepts({ kind: 'stringArray' }, [[], ['a', 'b']])
    rejects({ kind: 'stringArray' }, ['a b', ['a', 1], [null], {}, null], 'an array of strings')
  })

  it('stringMap takes strings, numbers and booleans as values', () => {
    accepts({ kind: 'stringMap' }, [{}, { A: 'x', B: 1, C: true }])
    rejects({ kind: 'stringMap' }, [{ A: {} }, { A: null }, { A: ['x'] }, [], 'A=x', null], 'an object of string values')
  })

  it('duration, up to the longest a timer can wait', () => {
    const allowed = "a duration such as '500ms', '5s', '2m' or a number of milliseconds, up to 2147483647 ms (24.8 days, the longest a timer can wait)"
    accepts({ kind: 'duration' }, [0, 500, '500ms', '5s', '2m', '1h', 2 ** 31 - 1, '596h'])
    rejects({ kind: 'duration' }, ['soon', -1, '5 minutes', null, {}, 2 ** 31, '1000h', '597h'], allowed)
  })

  it('duration with a floor', () => {
    const spec: FieldSpec = { kind: 'duration', min: 100 }
    accepts(spec, [100, '100ms', '1s'])
    rejects(spec, [0, 99, '50ms'], "a duration such as '500ms', '5s', '2m' or a number of milliseconds, from 100ms up to 2147483647 ms (24.8 days, the longest a timer can wait)")
  })

  it('signal: only names kill(2) knows, with the closest one suggested', () => {
    accepts({ kind: 'signal' }, ['SIGTERM', 'SIGINT', 'SIGKILL', 'SIGUSR1'])
    rejects({ kind: 'signal' }, ['SIGTREM'], "a signal name such as 'SIGTERM' or 'SIGINT' (did you mean 'SIGTERM'?)")
    rejects({ kind: 'signal' }, ['TERM', 'sigterm'], "a signal name such as 'SIGTERM' or 'SIGINT' (did you mean 'SIGTERM'?)")
    rejects({ kind: 'signal' }, [15, null, ''], "a signal name such as 'SIGTERM' or 'SIGINT'")
  })

  it('size', () => {
    const allowed = "a size such as '300M', '1G', '512K' or a number of bytes"
    accepts({ kind: 'size' }, [1, '300M', '1G', '512K', '1024'])
    rejects({ kind: 'size' }, ['lots', 0, -5, null, '3TB'], allowed)
  })

  it('json accepts anything present', () => {
    accepts({ kind: 'json' }, [null, 0, '', [], {}, false])
  })

  it('object checks its fields and reports them as parent.child', () => {
    const spec: FieldSpec = { kind: 'object', fields: { initial: { kind: 'duration' }, factor: { kind: 'number', min: 1 } } }
    expect(checkSchema({ backoff: spec }, { backoff: { initial: '1s', factor: 2 } })).toEqual([])
    expect(checkSchema({ backoff: spec }, { backoff: {} })).toEqual([])
    expect(checkSchema({ backoff: spec }, { backoff: { initial: 'fast', factor: 0.5 } })).toEqual([
      { field: 'backoff.initial', value: 'fast', allowed: "a duration such as '500ms', '5s', '2m' or a number of milliseconds, up to 2147483647 ms (24.8 days, the longest a timer can wait)" },
      { field: 'backoff.factor', value: 0.5, allowed: 'a number >= 1' },
    ])
    expect(checkSchema({ backoff: spec }, { backoff: 5 })).toEqual([{ field: 'backoff', value: 5, allowed: 'an object with initial, factor' }])
    expect(checkSchema({ backoff: spec }, { backoff: [] })).toHaveLength(1)
    expect(checkSchema({ backoff: spec }, { backoff: null })).toHaveLength(1)
  })
})

describe('checkSchema, presence', () => {
  it('reports a missing required field with value undefined and "required:" in front of what is allowed', () => {
    expect(checkSchema({ name: { kind: 'string', required: true, nonEmpty: true } }, {})).toEqual([
      { field: 'name', value: undefined, allowed: 'required: a non-empty string' },
    ])
  })

  it('skips missing optional fields', () => {
    expect(checkSchema({ a: { kind: 'integer' }, b: { kind: 'duration' } }, {})).toEqual([])
  })

  it('treats null as present, and wrong', () => {
    expect(checkSchema({ a: { kind: 'integer' } }, { a: null })).toEqual([{ field: 'a', value: null, allowed: 'a whole number' }])
  })

  it('reports every bad field, in schema order', () => {
    const schema = { a: { kind: 'integer' }, b: { kind: 'boolean' }, c: { kind: 'string', required: true } } as const
    expect(checkSchema(schema, { b: 'no', a: 'one' }).map((p) => p.field)).toEqual(['a', 'b', 'c'])
  })

  it('uses the prefix it is given', () => {
    expect(checkSchema({ a: { kind: 'integer' } }, { a: 'x' }, 'params.')[0]!.field).toBe('params.a')
  })
})

describe('unknownFields', () => {
  it('lists the keys the schema does not know, in object order', () => {
    expect(unknownFields({ script: { kind: 'string' } }, { scirpt: './a.js', script: './a.js', foo: 1 })).toEqual(['scirpt', 'foo'])
  })

  it('is empty when every key is known', () => {
    expect(unknownFields({ a: { kind: 'json' } }, { a: 1 })).toEqual([])
    expect(unknownFields({}, {})).toEqual([])
  })
})
