import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { MemoryQueueStore } from '../../../src/core/queue/memory-store.js'
import type { Message } from '../../../src/core/queue/message.js'
import { NedbQueueStore } from '../../../src/core/queue/nedb-store.js'
import { MessageQueue } from '../../../src/core/queue/queue.js'
import { DEFAULT_AGENTS, recipient } from './helpers.js'

/** The memory store whose inserts wait for `release()` and then succeed or fail: a write "under way". */
class GatedStore extends MemoryQueueStore {
  private gates: Array<{ release: () => void; fail: (err: Error) => void }> = []
  gated = false

  override insert(messages: Message[]): Promise<void> {
    if (!this.gated) return super.insert(messages)
    return new Promise<void>((resolve, reject) => {
      this.gates.push({ release: () => void super.insert(messages).then(resolve, reject), fail: reject })
    })
  }

  release(): void {
    for (const g of this.gates.splice(0)) g.release()
  }

  fail(err: Error): void {
    for (const g of this.gates.splice(0)) g.fail(err)
  }
}

async function openGated(): Promise<{ queue: MessageQueue; store: GatedStore }> {
  const store = new GatedStore()
  const queue = await MessageQueue.open({ compactEveryMs: 0, store })
  queue.setAgents(new Map(Object.entries(DEFAULT_AGENTS)))
  store.gated = true
  return { queue, store }
}

describe('a message is dispatched while its write is under way', () => {
  const dirs: string[] = []
  afterEach(async () => {
    for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true })
  })

  it('reaches its consumer before the send is answered; the answer still waits for the write', async () => {
    const { queue, store } = await openGated()
    const bob = recipient('bob')
    queue.attach(bob)
    let answered = false
    const sending = queue.send({ from: 'alice', to: 'bob', type: 't', payload: 1 }).then((m) => {
      answered = true
      return m
    })
    await new Promise((r) => setImmediate(r))
    expect(bob.received.map((m) => m.payload)).toEqual([1])
    expect(answered).toBe(false)
    // acked before its write is done: fine, and the send is answered once written
    await queue.ack('bob', bob.received[0]!.id)
    store.release()
    const [m] = await sending
    expect(m!.id).toBe(bob.received[0]!.id)
    await queue.close()
  })

  it('a send whose write fails is refused, and what was not delivered yet never is', async () => {
    const { queue, store } = await openGated()
    const sending = queue.send({ from: 'alice', to: 'bob', type: 't', payload: 'lost' })
    await new Promise((r) => setImmediate(r))
    expect(queue.stats().pending).toBe(1)
    store.fail(new Error('no space left on device'))
    await expect(sending).rejects.toThrow('no space left')
    expect(queue.stats().pending).toBe(0)
    const bob = recipient('bob')
    queue.attach(bob)
    await new Promise((r) => setImmediate(r))
    expect(bob.received).toEqual([])
    // the queue goes on
    store.gated = false
    await queue.send({ from: 'alice', to: 'bob', type: 't', payload: 'next' })
    expect(bob.received.map((m) => m.payload)).toEqual(['next'])
    await queue.close()
  })

  it('in the NeDB file, a message acked before its batch was written leaves no line; one acked after leaves both', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'orch-early-'))
    dirs.push(dir)
    const file = join(dir, 'queue.db')
    const queue = await MessageQueue.open({ compactEveryMs: 0, store: new NedbQueueStore(file) })
    queue.setAgents(new Map(Object.entries(DEFAULT_AGENTS)))
    const before = (await readFile(file, 'utf8')).length
    // acked synchronously inside deliver(): before the group commit's microtask starts the write
    const bob = recipient('bob', 'bob', (m) => void queue.ack('bob', m.id))
    queue.attach(bob)
    await queue.send({ from: 'alice', to: 'bob', type: 't', payload: 'fast' })
    await new Promise((r) => setImmediate(r))
    expect(bob.received).toHaveLength(1)
    expect((await readFile(file, 'utf8')).length).toBe(before)
    // a slow consumer: its message is written, then its removal
    const carol = recipient('alice')
    queue.attach(carol)
    const [slow] = await queue.send({ from: 'bob', to: 'alice', type: 't', payload: 'slow' })
    await queue.ack('alice', slow!.id)
    const lines = (await readFile(file, 'utf8')).slice(before).trim().split('\n')
    expect(lines).toHaveLength(2)
    expect(JSON.parse(lines[0]!)._id).toBe(slow!.id)
    expect(JSON.parse(lines[1]!)).toMatchObject({ $$deleted: true, _id: slow!.id })
    await queue.close()
    // reopened: nothing left
    const again = await MessageQueue.open({ compactEveryMs: 0, store: new NedbQueueStore(file) })
    expect(again.stats().pending).toBe(0)
    await again.close()
  })
})
