import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { vi } from 'vitest'
import { REMOVAL_DELAY_MS } from '../../../src/core/queue/group-commit.js'
import { createMemoryStoreData, MemoryQueueStore } from '../../../src/core/queue/memory-store.js'
import type { Message } from '../../../src/core/queue/message.js'
import { NedbQueueStore } from '../../../src/core/queue/nedb-store.js'
import { MessageQueue } from '../../../src/core/queue/queue.js'
import type { QueueOptions, Recipient } from '../../../src/core/queue/queue-options.js'
import type { QueueStore } from '../../../src/core/queue/store.js'

/** Persistent data that stores can be opened on again and again, as after a restart. */
export interface StoreHome {
  open(): QueueStore
  cleanup(): Promise<void>
}

export interface StoreKind {
  name: string
  createHome(): Promise<StoreHome>
}

export const STORE_KINDS: StoreKind[] = [
  {
    name: 'memory',
    async createHome() {
      const data = createMemoryStoreData()
      return { open: () => new MemoryQueueStore(data), cleanup: async () => {} }
    },
  },
  {
    name: 'nedb',
    async createHome() {
      const dir = await mkdtemp(join(tmpdir(), 'orch-queue-'))
      const file = join(dir, 'queue.db')
      return { open: () => new NedbQueueStore(file), cleanup: () => rm(dir, { recursive: true, force: true }) }
    },
  },
]

/** Opens queues on one StoreHome and closes them all (and removes the home) in `cleanup`. */
export class QueueHarness {
  private readonly queues: MessageQueue[] = []

  private constructor(readonly home: StoreHome) {}

  static async create(kind: StoreKind): Promise<QueueHarness> {
    return new QueueHarness(await kind.createHome())
  }

  async open(opts: Omit<QueueOptions, 'store'> = {}, agents?: Record<string, number>): Promise<MessageQueue> {
    const queue = await MessageQueue.open({ compactEveryMs: 0, ...opts, store: this.home.open() })
    queue.setAgents(new Map(Object.entries(agents ?? DEFAULT_AGENTS)))
    this.queues.push(queue)
    return queue
  }

  async cleanup(): Promise<void> {
    for (const q of this.queues) await q.close()
    await this.home.cleanup()
  }
}

export const DEFAULT_AGENTS: Record<string, number> = { alice: 1, bob: 1, worker: 3 }

/** A recipient that records what it is given. */
export interface TestRecipient extends Recipient {
  received: Message[]
}

export function recipient(id: string, name = id, onDeliver?: (m: Message) => void): TestRecipient {
  const received: Message[] = []
  return {
    id,
    name,
    received,
    deliver(m) {
      received.push(m)
      onDeliver?.(m)
    },
  }
}

/** A message as the store keeps it, numbered `n` (id `m<n>`, seq `n`); tests override what they vary. */
export function storedMessage(n: number, over: Partial<Message> = {}): Message {
  return { id: `m${n}`, from: 'a', to: 'b', type: 't', priority: 0, payload: { n }, hops: 0, attempts: 0, createdAt: 1_000 + n, seq: n, ...over }
}

/** What queue tests fake: only timers and Date; NeDB reads its file with setImmediate, which must stay real. */
/**
 * Awaits an ack whose removal waits REMOVAL_DELAY_MS for a write to share,
 * under faked timers: that time is let pass first.
 */
export async function acked(p: Promise<void>): Promise<void> {
  await vi.advanceTimersByTimeAsync(REMOVAL_DELAY_MS)
  await p
}

export const FAKED = ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] as const
