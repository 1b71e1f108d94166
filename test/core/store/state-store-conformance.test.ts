import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import type { InstanceRecord } from '../../../src/core/store/instance-record.js'
import { MemoryStateStore } from '../../../src/core/store/memory-state-store.js'
import { NedbStateStore } from '../../../src/core/store/nedb-state-store.js'
import type { StateStore } from '../../../src/core/store/state-store.js'
import { agent, record as validRecord } from '../supervisor/helpers/harness.js'

const dirs: string[] = []
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

/** A record of the shape a daemon writes: the NeDB store moves wrong-shaped ones aside when it opens. */
const record = (id: string, restarts = 0): InstanceRecord =>
  validRecord(agent(id), { desired: 'running', status: 'online', pid: 42, procStart: 7, startedAt: 1, restarts, token: 'secret' })

/** One contract, two stores: what the supervisor and the daemon rely on. */
const stores: Array<[string, () => Promise<{ store: StateStore; reopen: () => Promise<StateStore> }>]> = [
  ['NedbStateStore', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'orch-state-'))
    dirs.push(dir)
    return { store: await NedbStateStore.open(dir), reopen: () => NedbStateStore.open(dir) }
  }],
  ['MemoryStateStore', async () => {
    const store = new MemoryStateStore()
    return { store, reopen: async () => store }
  }],
]

describe.each(stores)('%s', (_name, make) => {
  it('keeps the last save of each record, forgets removed ones, and reads them back after a reopen', async () => {
    const { store, reopen } = await make()
    store.save(record('a', 1))
    store.save(record('a', 2))
    store.save(record('b'))
    store.save(record('c'))
    store.remove('c')
    await store.close()
    const again = await reopen()
    const all = (await again.all()).sort((x, y) => x.id.localeCompare(y.id))
    expect(all.map((r) => [r.id, r.restarts])).toEqual([['a', 2], ['b', 0]])
    expect(all[0]).toEqual(record('a', 2))
    await again.close()
  })

  it('saves the record as it is at save(): later changes to the object are not seen', async () => {
    const { store } = await make()
    const r = record('a')
    store.save(r)
    r.restarts = 99
    await store.flush()
    expect((await store.all())[0]?.restarts).toBe(0)
    await store.close()
  })
})
