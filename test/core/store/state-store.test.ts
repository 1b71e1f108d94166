import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, expect, it, vi } from 'vitest'
import type { InstanceRecord } from '../../../src/core/store/instance-record.js'
import { NedbStateStore } from '../../../src/core/store/nedb-state-store.js'

const dirs: string[] = []
afterEach(() => {
  vi.useRealTimers()
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

const record = (restarts: number) =>
  ({
    id: 'a', name: 'a', index: 0, agent: { name: 'a' }, spec: { command: 'node', args: ['x.js'] }, configPath: null, desired: 'running', status: 'running',
    pid: null, procStart: null, startedAt: null, restarts, history: { restarts: [], consecutive: 0 }, events: [],
  }) as unknown as InstanceRecord

const lines = (file: string) => readFileSync(file, 'utf8').split('\n').filter((l) => l !== '')

// Compaction is reached through nedb-promises' proxy to @seald-io/nedb's datastore, not its private `__original`.
it('compacts agents.db every 10 minutes while open, and stops when closed', async () => {
  vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] })
  const dir = mkdtempSync(join(tmpdir(), 'orch-state-'))
  dirs.push(dir)
  const file = join(dir, 'agents.db')
  const store = await NedbStateStore.open(dir)
  for (let i = 1; i <= 3; i++) {
    store.save(record(i))
    await store.flush()
  }
  expect(lines(file)).toHaveLength(3) // NeDB appends each update
  expect(vi.getTimerCount()).toBe(1)
  await vi.advanceTimersByTimeAsync(10 * 60_000)
  await vi.waitFor(() => expect(lines(file)).toHaveLength(1), { timeout: 5_000 })
  expect(JSON.parse(lines(file)[0]!)).toMatchObject({ _id: 'a', restarts: 3 })
  await store.close()
  expect(vi.getTimerCount()).toBe(0)
})
