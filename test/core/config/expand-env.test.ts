import { describe, expect, it } from 'vitest'
import { expandEnv } from '../../../src/core/config/expand-env.js'
import { plainData } from '../../../src/core/config/plain-data.js'

describe('expandEnv (JSON and YAML configs)', () => {
  const env = { KEY: 'k1', EMPTY: '', HOME_DIR: '/home/u' }

  it('expands ${NAME} and ${NAME:-default} in string values, at any depth, not in keys', () => {
    const raw = { agents: [{ name: 'a', env: { A: '${KEY}', B: 'x-${MISSING:-dflt}-y', C: '${EMPTY:-fallback}', '${KEY}': 'kept' }, args: ['${HOME_DIR}/bin'] }] }
    expect(expandEnv(raw, env)).toEqual({ agents: [{ name: 'a', env: { A: 'k1', B: 'x-dflt-y', C: 'fallback', '${KEY}': 'kept' }, args: ['/home/u/bin'] }] })
  })

  it('leaves numbers, booleans, plain $ and $${ (a literal ${) alone', () => {
    expect(expandEnv({ n: 3, b: true, s: 'cost: $5', l: '$${KEY}', z: null }, env)).toEqual({ n: 3, b: true, s: 'cost: $5', l: '${KEY}', z: null })
  })

  it('refuses an unset variable with its place and the two fixes', () => {
    expect(() => expandEnv({ agents: [{ env: { API: '${API_KEY}' } }] }, env)).toThrow(
      'agents[0].env.API uses ${API_KEY}, but API_KEY is not set in the environment of the orch command; set it, or write ${API_KEY:-default}',
    )
  })

  it('refuses a reference that is not a variable name', () => {
    expect(() => expandEnv({ a: '${not a name}' }, env)).toThrow("a: '${not a name}' is not a variable reference")
  })
})

describe('plainData (what a JS/TS config may hand the daemon)', () => {
  it('keeps plain data and drops undefined fields', () => {
    expect(plainData({ a: [1, 'x', true, null, { b: undefined, c: 2 }] })).toEqual({ a: [1, 'x', true, null, { c: 2 }] })
    expect(plainData(Object.assign(Object.create(null), { a: 1 }))).toEqual({ a: 1 })
  })

  it('refuses a function, a class instance or a non-finite number with its place', () => {
    expect(() => plainData({ agents: [{ name: 'a', env: { F: () => 1 } }] })).toThrow('agents[0].env.F is a function')
    expect(() => plainData({ when: new Date(0) })).toThrow('when is a Date object')
    expect(() => plainData({ n: Number.NaN })).toThrow('n is NaN')
  })
})
