import { mkdtemp, open, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import type { Message } from '../../../src/core/queue/message.js'
import { NedbQueueStore } from '../../../src/core/queue/nedb-store.js'
import { storedMessage } from './helpers.js'
import { toMessageDoc } from '../../../src/core/queue/nedb-documents.js'
import { RecoveryLog } from '../../../src/core/store/recovery-log.js'

const dirs: string[] = []
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true })
})

const message = (n: number): Message => storedMessage(n)
const line = (n: number): string => JSON.stringify(toMessageDoc(message(n)))
const fiveGood = [1, 2, 3, 4, 5].map(line)

async function home(): Promise<{ dir: string; file: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'orch-recover-'))
  dirs.push(dir)
  return { dir, file: join(dir, 'queue.db') }
}

/** Loads `content` as queue.db; returns what was loaded, the note, the file set aside and the file afterwards. */
async function loadDamaged(content: string) {
  const { dir, file } = await home()
  await writeFile(file, content)
  const recovery = new RecoveryLog()
  const store = new NedbQueueStore(file, { recovery })
  const loaded = await store.load()
  const aside = (await readdir(dir)).filter((f) => f.startsWith('queue.db.corrupt-'))
  return { dir, file, store, loaded, notes: recovery.list(), aside: aside.map((f) => join(dir, f)) }
}

const ids = (ms: Message[]) => ms.map((m) => m.id).sort()

describe('NedbQueueStore never refuses to start', () => {
  it.each([
    ['a torn last line (five good lines plus one torn: NeDB refused it)', `${fiveGood.join('\n')}\n{"_id":"m6","from":"a","to`, 'torn'],
    ['a garbage line in a small queue', `${fiveGood.slice(0, 2).join('\n')}\n%%garbage%%\n${fiveGood.slice(2).join('\n')}\n`, 'not JSON'],
    ['a document of the wrong shape {"_id":"w1"}', `${fiveGood.join('\n')}\n{"_id":"w1"}\n`, 'wrong shape'],
    ['a payloadJson that is not JSON', `${fiveGood.join('\n')}\n${line(6).replace('"payloadJson":"{\\"n\\":6}"', '"payloadJson":"{not json"')}\n`, 'payloadJson'],
    ['a message without its fields', `${fiveGood.join('\n')}\n{"_id":"m7","payloadJson":"null"}\n`, 'wrong shape'],
  ])('keeps every readable record of a file with %s, moves the bad line aside and notes it', async (_what, content, reason) => {
    const { file, store, loaded, notes, aside } = await loadDamaged(content)
    expect(ids(loaded.messages)).toEqual(['m1', 'm2', 'm3', 'm4', 'm5'])
    expect(notes).toHaveLength(1)
    expect(notes[0]).toMatchObject({ file, lines: 1, movedTo: aside[0] })
    expect(notes[0]!.reason).toContain(reason)
    expect(aside).toHaveLength(1)
    expect((await stat(aside[0]!)).mode & 0o777).toBe(0o600)
    const kept = await readFile(aside[0]!, 'utf8')
    expect(content).toContain(kept.trimEnd())
    // the file was repaired: the next write starts on a line of its own, and a reload finds everything without a new note
    await store.insert([message(9)])
    await store.close()
    const recovery = new RecoveryLog()
    const again = new NedbQueueStore(file, { recovery })
    expect(ids((await again.load()).messages)).toEqual(['m1', 'm2', 'm3', 'm4', 'm5', 'm9'])
    expect(recovery.list()).toEqual([])
    await again.close()
  })

  it('keeps the last readable version of a document whose later line is damaged', async () => {
    const updated = JSON.stringify(toMessageDoc({ ...message(2), attempts: 3 }))
    const { loaded, notes, store } = await loadDamaged(`${line(1)}\n${line(2)}\n${updated}\n{"_id":"m2","attempts":"x"}\n`)
    expect(loaded.messages.find((m) => m.id === 'm2')!.attempts).toBe(3)
    expect(notes[0]!.lines).toBe(1)
    await store.close()
  })

  it('refuses a file of an unknown format version with E_FILE_FORMAT naming the file and what to do', async () => {
    const { file } = await home()
    await writeFile(file, `{"_id":"$orch","kind":"meta","version":2}\n${line(1)}\n`)
    const store = new NedbQueueStore(file)
    const err = (await store.load().then(() => null, (e: unknown) => e)) as Error & { code: string }
    expect(err).toMatchObject({ code: 'E_FILE_FORMAT' })
    expect(err.message).toContain(file)
    expect(err.message).toMatch(/version 2.*reads version 1.*newer orch/)
    // nothing was touched
    expect(await readFile(file, 'utf8')).toContain('"version":2')
    await store.close()
  })

  it('reads a file from before versions (no header) as version 1', async () => {
    const { store, loaded, notes } = await loadDamaged(`${fiveGood.join('\n')}\n`)
    expect(ids(loaded.messages)).toHaveLength(5)
    expect(notes).toEqual([])
    await store.close()
  })

  it('creates the file 0600 with its header first', async () => {
    const { file } = await home()
    const store = new NedbQueueStore(file)
    await store.load()
    await store.insert([message(1)])
    await store.close()
    expect((await stat(file)).mode & 0o777).toBe(0o600)
    expect(JSON.parse((await readFile(file, 'utf8')).split('\n')[0]!)).toEqual({ _id: '$orch', kind: 'meta', version: 1 })
  })

  it('does not rewrite a clean file after a load: the first compaction has nothing to do', async () => {
    const { file } = await home()
    const first = new NedbQueueStore(file)
    await first.load()
    await first.insert([message(1), message(2)])
    await first.compact()
    await first.close()
    // a rewrite renames a new file over this one: the inode we hold would lose its last link
    const held = await open(file, 'r')
    const store = new NedbQueueStore(file)
    await store.load()
    await store.compact()
    await store.close()
    const { nlink } = await held.stat()
    await held.close()
    expect(nlink).toBe(1)
  })
})
