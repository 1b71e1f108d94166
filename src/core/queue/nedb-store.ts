import Datastore from 'nedb-promises'
import { QueueClosedError } from './errors/queue-closed-error.js'
import { GroupCommit, type WriteBatch } from './group-commit.js'
import type { Message } from './message.js'
import {
  fromMessageDoc,
  isSubscriptionDoc,
  mutableFieldsModifier,
  subscriptionDocId,
  toMessageDoc,
  toSubscriptionDoc,
  type MessageDoc,
  type SubscriptionDoc,
} from './nedb-documents.js'
import type { QueueStore, Subscription } from './store.js'

/**
 * NeDB matches `$in` by scanning the whole list for every candidate, so one
 * query over k ids costs k²; chunks keep that small while still writing a
 * few hundred documents per append.
 */
export const NEDB_IN_QUERY_CHUNK = 256

type Doc = MessageDoc | SubscriptionDoc

/** The part of the underlying @seald-io/nedb datastore that nedb-promises does not type. */
interface CompactableDatastore {
  compactDatafile(callback: (err: Error | null) => void): void
}

/**
 * QueueStore on one NeDB file (messages and subscriptions together).
 *
 * Durability: NeDB appends to its file and does not fsync. Once a write has
 * resolved the data is in the kernel, so a kill -9 of the daemon loses
 * nothing acknowledged; a power cut or kernel crash may. We do not claim
 * power-loss safety. Compaction is crash-safe (temp file + rename).
 *
 * Writes go through a group commit (see GroupCommit): NeDB does one append
 * per call, so batching concurrent calls is what makes the queue fast.
 */
export class NedbQueueStore implements QueueStore {
  private readonly ds: Datastore<Doc>
  private readonly commits = new GroupCommit((batch) => this.writeBatch(batch))
  private closed = false

  constructor(readonly filename: string) {
    this.ds = Datastore.create({ filename, autoload: false }) as unknown as Datastore<Doc>
  }

  async load(): Promise<{ messages: Message[]; subscriptions: Subscription[] }> {
    this.assertOpen()
    await this.ds.load()
    // no sort: NeDB never uses an index for it; the queue orders in memory
    const docs = await this.ds.find<Doc>({})
    const messages: Message[] = []
    const subscriptions: Subscription[] = []
    for (const doc of docs) {
      if (isSubscriptionDoc(doc)) subscriptions.push({ topic: doc.topic, subscriber: doc.subscriber })
      else messages.push(fromMessageDoc(doc))
    }
    return { messages, subscriptions }
  }

  insert(messages: Message[]): Promise<void> {
    if (this.closed) return Promise.reject(new QueueClosedError('queue store'))
    return this.commits.insert(messages)
  }

  update(messages: Message[]): Promise<void> {
    if (this.closed) return Promise.reject(new QueueClosedError('queue store'))
    return this.commits.update(messages)
  }

  remove(ids: string[]): Promise<void> {
    if (this.closed) return Promise.reject(new QueueClosedError('queue store'))
    return this.commits.remove(ids)
  }

  async saveSubscription(s: Subscription): Promise<void> {
    this.assertOpen()
    const doc = toSubscriptionDoc(s)
    await this.ds.update({ _id: doc._id }, doc, { upsert: true })
  }

  async removeSubscription(s: Subscription): Promise<void> {
    this.assertOpen()
    await this.ds.remove({ _id: subscriptionDocId(s) }, { multi: false })
  }

  /** Rewrites the file with one line per live document; resolves on NeDB's 'compaction.done'. */
  async compact(): Promise<void> {
    this.assertOpen()
    await this.commits.flush()
    const raw = this.ds as unknown as CompactableDatastore
    await new Promise<void>((resolve, reject) => {
      raw.compactDatafile((err) => (err ? reject(err) : resolve()))
    })
  }

  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    await this.commits.flush()
  }

  private async writeBatch(batch: WriteBatch): Promise<void> {
    if (batch.inserts.length > 0) {
      // documents are built now, so they carry the latest state of each message
      await this.ds.insert(batch.inserts.map(toMessageDoc))
    }
    if (batch.updates.size > 0) await this.writeUpdates(batch)
    if (batch.removes.size > 0) {
      const ids = [...batch.removes]
      const writes: Promise<number>[] = []
      for (let i = 0; i < ids.length; i += NEDB_IN_QUERY_CHUNK) {
        writes.push(this.ds.remove({ _id: { $in: ids.slice(i, i + NEDB_IN_QUERY_CHUNK) } }, { multi: true }))
      }
      await Promise.all(writes)
    }
  }

  /**
   * NeDB applies one modifier per call, so updates that set the same values
   * (the common case: a detach requeues many messages with the same error)
   * share one multi-update; each distinct state costs one append.
   */
  private async writeUpdates(batch: WriteBatch): Promise<void> {
    const groups = new Map<string, { modifier: ReturnType<typeof mutableFieldsModifier>; ids: string[] }>()
    for (const [id, m] of batch.updates) {
      if (batch.removes.has(id)) continue
      const modifier = mutableFieldsModifier(m)
      const key = JSON.stringify(modifier)
      const group = groups.get(key)
      if (group) group.ids.push(id)
      else groups.set(key, { modifier, ids: [id] })
    }
    const writes: Promise<number>[] = []
    for (const { modifier, ids } of groups.values()) {
      for (let i = 0; i < ids.length; i += NEDB_IN_QUERY_CHUNK) {
        writes.push(this.ds.update({ _id: { $in: ids.slice(i, i + NEDB_IN_QUERY_CHUNK) } }, modifier, { multi: true }))
      }
    }
    // NeDB runs them one after another in its executor; awaiting them together saves round trips
    await Promise.all(writes)
  }

  private assertOpen(): void {
    if (this.closed) throw new QueueClosedError('queue store')
  }
}
