import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import type { Message } from '../../../src/core/queue/message.js'
import { NedbQueueStore } from '../../../src/core/queue/nedb-store.js'
import { storedMessage } from './helpers.js'
import { CAN_MOUNT, mountSmallDisk, NEEDS_ROOT, type SmallDisk } from '../../helpers/tmpfs.js'

const PAYLOAD = 'p'.repeat(1_500)
const message = (n: number): Message => storedMessage(n, { payload: { n, pad: PAYLOAD } })

let disk: SmallDisk | undefined
const stores: NedbQueueStore[] = []
afterEach(async () => {
  for (const s of stores.splice(0)) await s.close().catch(() => {})
  disk?.unmount()
  disk = undefined
})

function open(file: string): NedbQueueStore {
  const s = new NedbQueueStore(file)
  stores.push(s)
  return s
}

/** Inserts in concurrent waves of `wave` until a whole wave is refused; returns what was answered and what refused. */
async function fill(store: NedbQueueStore, wave = 8): Promise<{ stored: number[]; refused: number[]; errors: Array<{ code?: string; message: string }> }> {
  const stored: number[] = []
  const refused: number[] = []
  const errors: Array<{ code?: string; message: string }> = []
  for (let n = 0; ; ) {
    const batch = Array.from({ length: wave }, () => n++)
    const results = await Promise.allSettled(batch.map((i) => store.insert([message(i)])))
    results.forEach((r, k) => {
      if (r.status === 'fulfilled') stored.push(batch[k]!)
      else {
        refused.push(batch[k]!)
        errors.push(r.reason as Error & { code?: string })
      }
    })
    if (results.every((r) => r.status === 'rejected')) return { stored, refused, errors }
  }
}

const loadedIds = async (file: string) => {
  const s = open(file)
  const ids = (await s.load()).messages.map((m) => Number(m.id.slice(1))).sort((a, b) => a - b)
  await s.close()
  return ids
}

describe.skipIf(!CAN_MOUNT)(`NedbQueueStore on a full disk (${NEEDS_ROOT})`, () => {
  it('refuses exactly the writes that did not fit with E_STORE_FULL, keeps every answered one, and stores the first write after space returns', async () => {
    disk = mountSmallDisk('256k')
    const file = join(disk.dir, 'queue.db')
    const store = open(file)
    await store.load()
    const { stored, refused, errors } = await fill(store)
    expect(stored.length).toBeGreaterThan(50)
    expect(errors[0]).toMatchObject({ code: 'E_STORE_FULL' })
    expect(errors[0]!.message).toMatch(/^disk full: .*queue\.db.*not stored/)
    // no torn line: every failed write was cut back
    const text = await readFile(file, 'utf8')
    expect(text.endsWith('\n')).toBe(true)
    // the disk is still full: a restart reads exactly the answered sends
    expect(await loadedIds(file)).toEqual(stored)

    disk.resize('1m')
    await store.insert([message(100_000)])
    await store.close()
    const after = await loadedIds(file)
    expect(after).toEqual([...stored, 100_000])
    for (const n of refused) expect(after).not.toContain(n)
  })

  it('keeps a removal or an update refused on a full disk, and writes it once there is room', async () => {
    disk = mountSmallDisk('256k')
    const file = join(disk.dir, 'queue.db')
    const store = open(file)
    await store.load()
    // one at a time: what is left is less than one message
    const { stored } = await fill(store, 1)
    // more than the last partly filled page can take
    const gone = stored.slice(0, 100)
    const changed = stored.slice(100, 110)
    await expect(store.remove(gone.map((n) => `m${n}`))).rejects.toMatchObject({ code: 'E_STORE_FULL' })
    await expect(store.update(changed.map((n) => ({ ...message(n), attempts: 4, lastError: 'boom' })))).rejects.toMatchObject({ code: 'E_STORE_FULL' })
    // a compaction cannot run either, and fails cleanly
    await expect(store.compact()).rejects.toMatchObject({ code: 'E_STORE_FULL' })

    disk.resize('1m')
    // the next write carries them
    await store.insert([message(100_000)])
    await store.close()
    const s = open(file)
    const { messages } = await s.load()
    for (const n of gone) expect(messages.find((m) => m.id === `m${n}`)).toBeUndefined()
    for (const n of changed) expect(messages.find((m) => m.id === `m${n}`)).toMatchObject({ attempts: 4, lastError: 'boom' })
    expect(messages).toHaveLength(stored.length - gone.length + 1)
  })

  it('a compaction writes carried changes too', async () => {
    disk = mountSmallDisk('256k')
    const file = join(disk.dir, 'queue.db')
    const store = open(file)
    await store.load()
    const { stored } = await fill(store, 1)
    await expect(store.remove(stored.slice(0, 100).map((n) => `m${n}`))).rejects.toMatchObject({ code: 'E_STORE_FULL' })
    disk.resize('1m')
    await store.compact()
    await store.close()
    expect(await loadedIds(file)).toEqual(stored.slice(100))
  })
})
