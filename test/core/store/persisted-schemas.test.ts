import type * as v from 'valibot'
import { describe, expect, it } from 'vitest'
import type { ResolvedAgent } from '../../../src/core/config/types.js'
import type { InstanceRecord } from '../../../src/core/store/instance-record.js'
import { desiredEntryProblems, instanceDocProblems, type DESIRED_ENTRY, type INSTANCE_DOC } from '../../../src/core/store/persisted-schemas.js'

const agent: ResolvedAgent = {
  name: 'a', type: 'node', cwd: '/tmp', env: {}, args: [], instances: 1, autorestart: true, maxRestarts: 3, restartWindowMs: 60_000,
  backoff: { initialMs: 100, maxMs: 1000, factor: 2 }, startGraceMs: 1000, readyTimeoutMs: null, killTimeoutMs: 5000, killSignal: 'SIGTERM',
  maxMemoryBytes: null, watch: [], ignoreWatch: [], dependsOn: [], logMaxBytes: 1024, logRetain: 3, concurrency: 1, leaseTimeoutMs: 30_000, raw: { name: 'a' }, configDir: '/tmp',
}
const doc = (extra: Record<string, unknown> = {}) => ({
  _id: 'a', name: 'a', index: 0, agent, spec: { command: 'node', args: ['x.js'] }, configPath: null, desired: 'running', status: 'online',
  pid: 42, procStart: 1234, startedAt: 1, token: 'secret', restarts: 1, history: { restarts: [5], consecutive: 1 },
  events: [{ at: 1, from: null, to: 'starting', reason: 'started' }], ...extra,
})
type Fits<A, B> = [A] extends [B] ? true : false
const fields = (problems: Array<{ field: string }>) => problems.map((p) => p.field)

describe('the persisted schemas', () => {
  it('take the documents orch writes, and what the TypeScript types allow (the type and the schema agree)', () => {
    expect(instanceDocProblems(doc())).toEqual([])
    // checked by tsc: a record of the type the store writes is one the schema reads back
    const written: Fits<InstanceRecord & { _id: string; format?: number }, v.InferInput<typeof INSTANCE_DOC>> = true
    const desired: Fits<{ agent: ResolvedAgent; spec: InstanceRecord['spec']; configPath: string | null }, v.InferInput<typeof DESIRED_ENTRY>> = true
    expect(written && desired).toBe(true)
  })

  it('take null, or nothing (a file written before the field existed), where a field may be null', () => {
    expect(instanceDocProblems(doc({ pid: null, procStart: null, startedAt: null, token: null, configPath: null }))).toEqual([])
    const { pid: _p, procStart: _s, startedAt: _t, token: _k, configPath: _c, ...older } = doc()
    expect(instanceDocProblems(older)).toEqual([])
    expect(instanceDocProblems(doc({ agent: { ...agent, readyTimeoutMs: 1000, maxMemoryBytes: 1 } }))).toEqual([])
  })

  it('name each field of the wrong shape, nested ones by their path, with the value and what is allowed', () => {
    const problems = instanceDocProblems(doc({ pid: 0, status: 'asleep', history: { restarts: [1, 'x'], consecutive: 0 }, events: [{ from: null }] }))
    expect(fields(problems)).toEqual(['status', 'pid', 'history.restarts[1]', 'events[0].at'])
    expect(problems[1]).toEqual({ field: 'pid', value: 0, allowed: 'a whole number >= 1' })
    expect(problems[0]!.allowed).toMatch(/^one of "starting", "online"/)
    expect(instanceDocProblems(doc({ agent: { ...agent, killSignal: '' } }))).toEqual([{ field: 'agent.killSignal', value: '', allowed: 'a non-empty string' }])
    expect(instanceDocProblems(5)).toEqual([{ field: '(document)', value: 5, allowed: 'an object' }])
  })

  it('say a missing field is required, and where', () => {
    const { type: _t, ...noType } = agent
    expect(desiredEntryProblems({ agent: noType, spec: { command: 'x', args: [] } }, 'agents[0].')).toEqual([
      { field: 'agents[0].agent.type', value: undefined, allowed: 'required: a non-empty string' },
    ])
    expect(desiredEntryProblems(5, 'agents[2].')).toEqual([{ field: 'agents[2]', value: 5, allowed: 'an object with agent, spec, configPath, shellEnv' }])
  })
})
