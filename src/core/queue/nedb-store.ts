import type { FileHandle } from 'node:fs/promises'
import { open, rename } from 'node:fs/promises'
import Datastore from 'nedb-promises'
import { QueueClosedError } from './errors/queue-closed-error.js'
import { GroupCommit, type WriteBatch } from './group-commit.js'
import type { Message } from './message.js'
import {
  fromMessageDoc,
  isSubscriptionDoc,
  subscriptionDocId,
  toMessageDoc,
  toSubscriptionDoc,
  type MessageDoc,
  type SubscriptionDoc,
} from './nedb-documents.js'
import type { QueueStore, Subscription } from './store.js'

type Doc = MessageDoc | SubscriptionDoc

/**
 * QueueStore on one NeDB file (messages and subscriptions together).
 *
 * NeDB reads the file at start (its own format: one JSON document per line,
 * the last line of an `_id` wins, `$$deleted` removes). After that the queue
 * holds every live message in memory, so NeDB's in-memory copy, its indexes
 * and its deep copies would be pure cost on the hot path: writes append
 * lines in NeDB's format through one open descriptor, one append per group
 * commit, and compaction rewrites the file from the live documents (temp
 * file, fsync, rename: crash-safe, as NeDB's own). The file stays a NeDB
 * datastore that NeDB itself loads.
 *
 * Durability: appends are not fsynced. Once a write has resolved the data is
 * in the kernel, so a kill -9 of the daemon loses nothing acknowledged; a
 * power cut or kernel crash may lose the last writes.
 */
export class NedbQueueStore implements QueueStore {
  private readonly commits = new GroupCommit((batch) => this.writeBatch(batch))
  /** what the file holds, by _id: the source of a compaction */
  private readonly live = new Map<string, Doc>()
  private file: FileHandle | null = null
  /** appends and compactions, one at a time, in order */
  private tail: Promise<unknown> = Promise.resolve()
  /** lines appended since the file was last compacted (or loaded) */
  private appended = 0
  private closed = false

  constructor(readonly filename: string) {}

  async load(): Promise<{ messages: Message[]; subscriptions: Subscription[] }> {
    this.assertOpen()
    // 0600: NeDB's load rewrites the file with its default 0644 otherwise (`modes` is not in nedb-promises' typings).
    const ds = Datastore.create({ filename: this.filename, autoload: false, modes: { fileMode: 0o600, dirMode: 0o700 } } as { filename: string }) as unknown as Datastore<Doc>
    await ds.load()
    // no sort: NeDB never uses an index for it; the queue orders in memory
    const docs = await ds.find<Doc>({})
    const messages: Message[] = []
    const subscriptions: Subscription[] = []
    // A second load reads the file again from scratch.
    this.live.clear()
    await this.file?.close()
    for (const doc of docs) {
      this.live.set(doc._id, doc)
      if (isSubscriptionDoc(doc)) subscriptions.push({ topic: doc.topic, subscriber: doc.subscriber })
      else messages.push(fromMessageDoc(doc))
    }
    this.file = await open(this.filename, 'a', 0o600)
    // The file may hold history from before (a crash skips the last compaction): compact it once.
    this.appended = 1
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
    this.live.set(doc._id, doc)
    await this.append([serialize(doc)])
  }

  async removeSubscription(s: Subscription): Promise<void> {
    this.assertOpen()
    const id = subscriptionDocId(s)
    if (this.live.delete(id)) await this.append([deletion(id)])
  }

  /** Rewrites the file with one line per live document. */
  async compact(): Promise<void> {
    this.assertOpen()
    await this.commits.flush()
    await this.enqueue(async () => {
      // An idle queue compacts on a schedule too: nothing new, nothing to rewrite (and no fsync).
      if (this.appended === 0) return
      const tmp = `${this.filename}~`
      const out = await open(tmp, 'w', 0o600)
      try {
        const lines = [...this.live.values()].map(serialize)
        await out.writeFile(lines.length > 0 ? `${lines.join('\n')}\n` : '')
        await out.sync()
      } finally {
        await out.close()
      }
      await this.file?.close()
      await rename(tmp, this.filename)
      this.file = await open(this.filename, 'a', 0o600)
      this.appended = 0
    })
  }

  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    await this.commits.flush()
    await this.tail.catch(() => {})
    await this.file?.close()
    this.file = null
  }

  private enqueue<T>(job: () => Promise<T>): Promise<T> {
    const run = this.tail.then(job, job)
    this.tail = run.catch(() => {})
    return run
  }

  private append(lines: string[]): Promise<void> {
    return this.enqueue(async () => {
      if (!this.file) throw new QueueClosedError('queue store')
      await this.file.write(`${lines.join('\n')}\n`)
      this.appended += lines.length
    })
  }

  /** One group-commit batch becomes one append. */
  private writeBatch(batch: WriteBatch): Promise<void> {
    const lines: string[] = []
    // documents are built now, so they carry the latest state of each message
    for (const m of batch.inserts) {
      const doc = toMessageDoc(m)
      this.live.set(doc._id, doc)
      lines.push(serialize(doc))
    }
    for (const [id, m] of batch.updates) {
      if (batch.removes.has(id) || !this.live.has(id)) continue
      const doc = toMessageDoc(m)
      this.live.set(id, doc)
      lines.push(serialize(doc))
    }
    for (const id of batch.removes) {
      if (this.live.delete(id)) lines.push(deletion(id))
    }
    return lines.length > 0 ? this.append(lines) : Promise.resolve()
  }

  private assertOpen(): void {
    if (this.closed) throw new QueueClosedError('queue store')
  }
}

/**
 * A document as NeDB writes it. Ours hold only strings, numbers and booleans
 * (the payload is JSON text), for which NeDB's model.serialize is exactly
 * JSON.stringify.
 */
function serialize(doc: Doc): string {
  return JSON.stringify(doc)
}

/** NeDB's line for a removed document. */
function deletion(id: string): string {
  return JSON.stringify({ $$deleted: true, _id: id })
}
