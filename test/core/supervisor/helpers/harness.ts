import { vi } from 'vitest'
import type { ResolvedAgent } from '../../../../src/core/config/types.js'
import { newRecord } from '../../../../src/core/daemon/apply-config.js'
import type { Logger } from '../../../../src/core/log/logger.js'
import type { AgentStatus } from '../../../../src/core/protocol/types.js'
import type { InstanceRecord } from '../../../../src/core/store/instance-record.js'
import { MemoryStateStore } from '../../../../src/core/store/memory-state-store.js'
import type { InstanceView } from '../../../../src/core/supervisor/instance.js'
import { Supervisor } from '../../../../src/core/supervisor/supervisor.js'
import { FakeSpawner } from './fake-spawner.js'

export const silentLog: Logger = { log() {}, info() {}, warn() {}, error() {}, close: async () => {} }

export function agent(name: string, over: Partial<ResolvedAgent> = {}): ResolvedAgent {
  return {
    name,
    type: 'process',
    cwd: '/tmp',
    env: {},
    args: [],
    instances: 1,
    autorestart: true,
    maxRestarts: 3,
    restartWindowMs: 60_000,
    backoff: { initialMs: 100, maxMs: 15_000, factor: 2 },
    startGraceMs: 1_000,
    readyTimeoutMs: null,
    killTimeoutMs: 5_000,
    killSignal: 'SIGTERM',
    maxMemoryBytes: null,
    watch: [],
    ignoreWatch: [],
    dependsOn: [],
    logMaxBytes: 10_000_000,
    logRetain: 3,
    concurrency: 1,
    leaseTimeoutMs: 30_000,
    raw: { name },
    configDir: '/tmp',
    ...over,
  }
}

export function record(a: ResolvedAgent, over: Partial<InstanceRecord> = {}): InstanceRecord {
  // the record apply-config makes for a new instance, with the fake spawner's command
  return { ...newRecord(a, 0, { command: 'fake', args: [] }, null), id: a.name, ...over }
}

/** A supervisor on fake timers, a fake spawner and a memory store; `transitions` lists every recorded state change. */
export function harness() {
  vi.useFakeTimers()
  const store = new MemoryStateStore()
  const spawner = new FakeSpawner()
  const sup = new Supervisor({ store, log: silentLog, spawner, probe: spawner })
  const transitions: Array<{ id: string; from: AgentStatus | null; to: AgentStatus; reason: string }> = []
  sup.on('state', (r, from, to, reason) => transitions.push({ id: r.id, from, to, reason }))
  const exits: Array<{ id: string; pid: number | null }> = []
  sup.on('exited', (r) => exits.push({ id: r.id, pid: r.pid }))
  const add = (a: ResolvedAgent, over: Partial<InstanceRecord> = {}): InstanceView => sup.upsert(record(a, over))
  const status = (id: string): AgentStatus | undefined => sup.get(id)?.record.status
  /** transitions of one instance as `from→to: reason` */
  const story = (id: string): string[] => transitions.filter((t) => t.id === id).map((t) => `${t.from}→${t.to}: ${t.reason}`)
  /** lets spawns and stops that resolve at once land, and moves the clock */
  const tick = (ms = 0): Promise<void> => vi.advanceTimersByTimeAsync(ms).then(() => undefined)
  return { sup, store, spawner, transitions, exits, add, status, story, tick }
}
