import { QueueClosedError } from './errors/queue-closed-error.js'
import type { Message } from './message.js'
import { copyMutableFields, subscriptionKey, type QueueStore, type Subscription } from './store.js'

/** The contents of a MemoryQueueStore; pass the same one to a new store to simulate a restart. */
export interface MemoryStoreData {
  messages: Map<string, Message>
  subscriptions: Map<string, Subscription>
}

export function createMemoryStoreData(): MemoryStoreData {
  return { messages: new Map(), subscriptions: new Map() }
}

/**
 * In-memory reference store: what tests use, and what the NeDB store must
 * behave like. Keeps copies, so later changes to a caller's objects are not
 * "persisted" by accident.
 */
export class MemoryQueueStore implements QueueStore {
  private readonly messages: Map<string, Message>
  private readonly subscriptions: Map<string, Subscription>
  private closed = false

  constructor(data: MemoryStoreData = createMemoryStoreData()) {
    this.messages = data.messages
    this.subscriptions = data.subscriptions
  }

  async load(): Promise<{ messages: Message[]; subscriptions: Subscription[] }> {
    this.assertOpen()
    return {
      messages: [...this.messages.values()].map((m) => ({ ...m })),
      subscriptions: [...this.subscriptions.values()].map((s) => ({ ...s })),
    }
  }

  async insert(messages: Message[]): Promise<void> {
    this.assertOpen()
    for (const m of messages) {
      if (this.messages.has(m.id)) throw new Error(`duplicate message id '${m.id}'`)
    }
    for (const m of messages) this.messages.set(m.id, { ...m })
  }

  async update(messages: Message[]): Promise<void> {
    this.assertOpen()
    for (const m of messages) {
      const stored = this.messages.get(m.id)
      if (stored) copyMutableFields(stored, m)
    }
  }

  async remove(ids: string[]): Promise<void> {
    this.assertOpen()
    for (const id of ids) this.messages.delete(id)
  }

  async saveSubscription(s: Subscription): Promise<void> {
    this.assertOpen()
    this.subscriptions.set(subscriptionKey(s), { topic: s.topic, subscriber: s.subscriber })
  }

  async removeSubscription(s: Subscription): Promise<void> {
    this.assertOpen()
    this.subscriptions.delete(subscriptionKey(s))
  }

  async compact(): Promise<void> {
    this.assertOpen()
  }

  async close(): Promise<void> {
    this.closed = true
  }

  private assertOpen(): void {
    if (this.closed) throw new QueueClosedError('queue store')
  }
}
