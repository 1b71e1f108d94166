import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { afterEach, describe, expect, it } from 'vitest'
import type { Message } from '../../../src/core/queue/message.js'
import { NedbQueueStore } from '../../../src/core/queue/nedb-store.js'
import { storedMessage } from './helpers.js'

// A real collection before each reading, so heap figures are what is retained.
setFlagsFromString('--expose-gc')
const gc = runInNewContext('gc') as () => void
const heap = (): number => {
  gc()
  gc()
  return process.memoryUsage().heapUsed
}

const N = 2_000
const PAYLOAD_CHARS = 5_000
const PAYLOAD_BYTES = N * PAYLOAD_CHARS

/** Distinct strings, so nothing is shared by accident; flat from the start (a concatenated string grows when first flattened, by whoever reads it). */
function flatText(n: number): string {
  const b = Buffer.alloc(PAYLOAD_CHARS, 'x')
  b.write(`${n}:`)
  return b.toString('latin1')
}

const message = (n: number): Message => storedMessage(n, { payload: { text: flatText(n) }, seq: n + 1 })

const dirs: string[] = []
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true })
})

async function file(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'orch-nedbmem-'))
  dirs.push(dir)
  return join(dir, 'queue.db')
}

describe('NedbQueueStore memory', () => {
  it('keeps no second copy of the payloads it inserted', async () => {
    const store = new NedbQueueStore(await file())
    await store.load()
    const messages = Array.from({ length: N }, (_, i) => message(i))
    const before = heap()
    await store.insert(messages)
    const grown = heap() - before
    console.log(`store growth after inserting ${N} messages of ${PAYLOAD_CHARS} chars: ${(grown / 2 ** 20).toFixed(1)} MiB (payloads: ${(PAYLOAD_BYTES / 2 ** 20).toFixed(1)} MiB)`)
    expect(grown).toBeLessThan(PAYLOAD_BYTES * 0.25)
    await store.close()
    expect(messages).toHaveLength(N)
  })

  it('holds one copy of each payload after a load', async () => {
    const f = await file()
    const writer = new NedbQueueStore(f)
    await writer.load()
    await writer.insert(Array.from({ length: N }, (_, i) => message(i)))
    await writer.close()

    const before = heap()
    const store = new NedbQueueStore(f)
    const { messages } = await store.load()
    const grown = heap() - before
    console.log(`heap after loading ${N} messages of ${PAYLOAD_CHARS} chars: ${(grown / 2 ** 20).toFixed(1)} MiB (payloads: ${(PAYLOAD_BYTES / 2 ** 20).toFixed(1)} MiB)`)
    expect(messages).toHaveLength(N)
    expect(grown).toBeLessThan(PAYLOAD_BYTES * 1.5)
    await store.close()
  })
})
