import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Datastore from 'nedb-promises'
import { afterEach, describe, expect, it } from 'vitest'
import type { Message } from '../../../src/core/queue/message.js'
import { NedbQueueStore } from '../../../src/core/queue/nedb-store.js'
import { storedMessage } from './helpers.js'

const dirs: string[] = []
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true })
})

const message = (n: number): Message => storedMessage(n, { priority: n % 3, payload: { n, 'dotted.key': true, $dollar: 1 } })

async function file(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'orch-nedbfile-'))
  dirs.push(dir)
  return join(dir, 'queue.db')
}

describe('NedbQueueStore file', () => {
  it('writes nothing of a message inserted and removed in one batch, nor of a removal it never stored', async () => {
    const f = await file()
    const store = new NedbQueueStore(f)
    await store.load()
    await store.insert([message(0)])
    // one batch: m1 and m2 inserted, m1 removed with them (acked before the write began), an unknown id, and m0
    // (the queue changes its own objects: an insert's line carries the state they have when it is written)
    const m2 = message(2)
    const done = Promise.all([store.insert([message(1), m2]), store.remove(['m1', 'nobody', 'm0']), store.update([Object.assign(m2, { attempts: 1 })])])
    await done
    await store.close()
    const lines = (await readFile(f, 'utf8')).trim().split('\n').slice(1) // after the header
    const ids = lines.map((l) => (JSON.parse(l) as { _id: string; $$deleted?: boolean; attempts?: number }))
    // m0 stored, then (one append) m2 as updated, and m0's removal; nothing of m1 nor of 'nobody'
    expect(ids).toEqual([
      expect.objectContaining({ _id: 'm0' }),
      expect.objectContaining({ _id: 'm2', attempts: 1 }),
      { $$deleted: true, _id: 'm0' },
    ])
    const again = new NedbQueueStore(f)
    expect((await again.load()).messages.map((m) => m.id)).toEqual(['m2'])
    await again.close()
  })

  it('is a NeDB datastore: plain NeDB loads what the store wrote, updates and removals applied', async () => {
    const f = await file()
    const store = new NedbQueueStore(f)
    await store.load()
    await store.insert(Array.from({ length: 10 }, (_, i) => message(i)))
    await store.update([{ ...message(1), attempts: 2, lastError: 'boom' }])
    await store.remove(['m3', 'm4', 'm5'])
    await store.saveSubscription({ topic: 'news', subscriber: 'b' })
    await store.close()

    const ds = Datastore.create({ filename: f, autoload: false })
    await ds.load()
    const docs = await ds.find<{ _id: string; attempts?: number; lastError?: string; payloadJson?: string; kind?: string }>({})
    expect(docs.map((d) => d._id).filter((id) => id.startsWith('m')).sort()).toEqual(['m0', 'm1', 'm2', 'm6', 'm7', 'm8', 'm9'])
    expect(docs.find((d) => d._id === 'm1')).toMatchObject({ attempts: 2, lastError: 'boom' })
    expect(JSON.parse(docs.find((d) => d._id === 'm0')!.payloadJson!)).toEqual({ n: 0, 'dotted.key': true, $dollar: 1 })
    expect(docs.filter((d) => d.kind === 'subscription')).toHaveLength(1)
  })

  it('compaction leaves one line per live document and loses nothing', async () => {
    const f = await file()
    const store = new NedbQueueStore(f)
    await store.load()
    await store.insert(Array.from({ length: 50 }, (_, i) => message(i)))
    await store.remove(Array.from({ length: 40 }, (_, i) => `m${i}`))
    await store.update([{ ...message(45), attempts: 1 }])
    await store.compact()
    // writes after a compaction go to the new file
    await store.insert([message(100)])
    await store.close()
    const lines = (await readFile(f, 'utf8')).trim().split('\n')
    // the header, then 10 live messages and the one written after
    expect(lines).toHaveLength(12)
    expect(JSON.parse(lines[0]!)).toEqual({ _id: '$orch', kind: 'meta', version: 1 })
    const again = new NedbQueueStore(f)
    const { messages } = await again.load()
    expect(messages.map((m) => m.id).sort()).toEqual([...Array.from({ length: 10 }, (_, i) => `m${40 + i}`), 'm100'].sort())
    expect(messages.find((m) => m.id === 'm45')!.attempts).toBe(1)
    await again.close()
  })
})
