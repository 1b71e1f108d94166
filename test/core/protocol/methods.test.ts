import { describe, expect, it } from 'vitest'
import * as v from 'valibot'
import { METHODS, PARAMS_CHECKS, isMethodName, type MethodName } from '../../../src/core/protocol/methods.js'
import { problemsOf, quote, unknownKeys } from '../../../src/core/schema/problems.js'

function problems(method: MethodName, params: Record<string, unknown>) {
  return problemsOf(PARAMS_CHECKS[method], params)
}
const unknownFields = (method: MethodName, params: Record<string, unknown>) => unknownKeys(METHODS[method].params, params)

describe('isMethodName', () => {
  it.each(['hello', 'daemon.status', 'daemon.shutdown', 'agents.start', 'agents.list', 'agents.stop', 'agents.restart', 'agents.delete', 'agents.describe', 'agents.resurrect', 'agent.ready'])(
    'knows %s',
    (m) => {
      expect(isMethodName(m)).toBe(true)
    },
  )

  it.each(['', 'agents', 'agents.kill', 'AGENTS.STOP', 'toString', 'constructor', '__proto__', 'hasOwnProperty'])('rejects %j, including Object.prototype names', (m) => {
    expect(isMethodName(m)).toBe(false)
  })
})

describe('METHODS params', () => {
  it.each(Object.keys(METHODS) as MethodName[])('%s: is a known method, and {} is rejected for each required param only', (method) => {
    expect(isMethodName(method)).toBe(true)
    const entries: Record<string, v.GenericSchema> = PARAMS_CHECKS[method].entries
    const required = Object.entries(entries).filter(([, schema]) => schema.type !== 'optional').map(([field]) => field)
    const p = problems(method, {})
    expect(p.map((x) => x.field)).toEqual(required)
    for (const x of p) {
      expect(x.value).toBeUndefined()
      expect(x.allowed.startsWith('required: ')).toBe(true)
    }
  })

  describe.each(['agents.stop', 'agents.restart', 'agents.delete'] as const)('%s', (method) => {
    it('accepts a target name', () => {
      expect(problems(method, { target: 'worker' })).toEqual([])
      expect(problems(method, { target: 'all' })).toEqual([])
    })

    it('rejects a missing target, saying it is required', () => {
      const p = problems(method, {})
      expect(p).toEqual([{ field: 'target', value: undefined, allowed: 'required: a non-empty string' }])
    })

    it('rejects a number target and keeps the bad value', () => {
      const p = problems(method, { target: 42 })
      expect(p).toEqual([{ field: 'target', value: 42, allowed: 'a non-empty string' }])
      expect(quote(p[0]!.value)).toBe('42')
    })

    it.each([[''], [null], [['worker']], [{ name: 'worker' }], [true]])('rejects target %j', (target) => {
      const p = problems(method, { target })
      expect(p).toHaveLength(1)
      expect(p[0]!.field).toBe('target')
      expect(p[0]!.value).toEqual(target)
    })

    it('reports extra params as unknown fields', () => {
      expect(unknownFields(method, { target: 'w', force: true })).toEqual(['force'])
    })
  })

  describe('hello', () => {
    it('accepts a CLI and an agent hello', () => {
      expect(problems('hello', { version: 1, client: 'cli' })).toEqual([])
      expect(problems('hello', { version: 1, client: 'agent', agent: 'worker' })).toEqual([])
    })

    it('requires version and client', () => {
      expect(problems('hello', {}).map((p) => p.field)).toEqual(['version', 'client'])
    })

    it.each([[0], [1.5], ['1'], [-1], [Number.NaN]])('rejects version %j', (version) => {
      const p = problems('hello', { version, client: 'cli' })
      expect(p).toEqual([{ field: 'version', value: version, allowed: 'a whole number >= 1' }])
    })

    it('rejects an unknown client kind, listing the allowed ones', () => {
      const p = problems('hello', { version: 1, client: 'browser' })
      expect(p).toEqual([{ field: 'client', value: 'browser', allowed: 'one of "cli", "agent"' }])
    })

    it('rejects an empty agent name', () => {
      expect(problems('hello', { version: 1, client: 'agent', agent: '' }).map((p) => p.field)).toEqual(['agent'])
    })
  })

  describe('agents.start', () => {
    it('takes every param as optional', () => {
      expect(problems('agents.start', {})).toEqual([])
      expect(problems('agents.start', { configPath: './e.ts', cwd: '/p', only: 'a', target: 'b' })).toEqual([])
    })

    it.each(['configPath', 'cwd', 'only', 'target'])('rejects a non-string or empty %s', (field) => {
      expect(problems('agents.start', { [field]: 1 }).map((p) => p.field)).toEqual([field])
      expect(problems('agents.start', { [field]: '' }).map((p) => p.field)).toEqual([field])
    })
  })

  describe('durations and leases', () => {
    const base = { to: 'w', type: 't' }
    it.each(['delay', 'ttl', 'lease'])('queue.send refuses %s over 2^31-1 ms (a timer would fire at once)', (field) => {
      expect(problems('queue.send', { ...base, [field]: 2 ** 31 })).toMatchObject([{ field, value: 2 ** 31 }])
      expect(problems('queue.send', { ...base, [field]: 2 ** 31 - 1 })).toEqual([])
    })

    it.each([0, 1, 249])('queue.send and queue.consume refuse a lease of %d ms (under MIN_LEASE_MS)', (lease) => {
      expect(problems('queue.send', { ...base, lease })).toMatchObject([{ field: 'lease', value: lease, allowed: 'a whole number from 250 to 2147483647' }])
      expect(problems('queue.consume', { lease })).toMatchObject([{ field: 'lease', value: lease }])
    })

    it('accepts a lease of 250 ms', () => {
      expect(problems('queue.send', { ...base, lease: 250 })).toEqual([])
      expect(problems('queue.consume', { lease: 250 })).toEqual([])
    })
  })

  it('agents.describe requires a name', () => {
    expect(problems('agents.describe', {}).map((p) => p.field)).toEqual(['name'])
    expect(problems('agents.describe', { name: 7 })[0]!.value).toBe(7)
    expect(problems('agents.describe', { name: 'w' })).toEqual([])
  })

  it('daemon.shutdown checks its optional flags', () => {
    expect(problems('daemon.shutdown', {})).toEqual([])
    expect(problems('daemon.shutdown', { stopAgents: true, reason: 'bye' })).toEqual([])
    expect(problems('daemon.shutdown', { stopAgents: 'yes' })).toEqual([{ field: 'stopAgents', value: 'yes', allowed: 'true or false' }])
  })

  it.each(['daemon.status', 'agents.list', 'agents.resurrect', 'agent.ready'] as const)('%s takes no params', (method) => {
    expect(problems(method, {})).toEqual([])
    expect(unknownFields(method, { x: 1 })).toEqual(['x'])
  })
})
