import { truncate } from 'node:fs/promises'
import { FileFormatError } from '../errors/file-format-error.js'
import type { RecoveryLog } from '../store/recovery-log.js'
import { setAside } from '../store/set-aside.js'
import { AppendFile } from './append-file.js'
import { DEFAULT_DURABILITY, type Durability } from '../config/durability.js'
import { QueueClosedError } from './errors/queue-closed-error.js'
import { GroupCommit, type WriteBatch } from './group-commit.js'
import type { Message } from './message.js'
import { subscriptionDocId, toSubscriptionDoc, type SubscriptionDoc } from './nedb-documents.js'
import { deletionLine, HEADER_LINE, messageLine, QUEUE_FORMAT_VERSION, subscriptionLine } from './queue-file-format.js'
import { readQueueFile, type BadLine, type QueueFileContents } from './queue-file-reader.js'
import { replaceFile } from './replace-file.js'
import type { QueueStore, Subscription } from './store.js'

export interface NedbStoreOptions {
  /** default 'buffered'; see Durability */
  durability?: Durability
  /** where a repair made at load is noted (for `orch daemon status`) */
  recovery?: RecoveryLog
}

/** How many unreadable lines a recovery note quotes. */
const BAD_LINES_QUOTED = 3

/**
 * QueueStore on one file in NeDB's format (messages and subscriptions
 * together; see queue-file-format.ts), which plain NeDB can still load.
 *
 * The store reads the file itself rather than through NeDB: NeDB refuses a
 * file past a small share of unreadable lines, and a daemon that will not
 * start loses more than a damaged line. Unreadable lines are moved aside
 * (`queue.db.corrupt-<time>`), noted in the recovery log, and the file is
 * rewritten without them; every readable record is kept.
 *
 * After the load the queue holds every live message in memory, and so does
 * this store, by reference: one copy of each payload. Writes append lines
 * through one descriptor, one append per group commit; a write that fails
 * (a full disk) changes nothing the store remembers: its inserts were never
 * stored, and its updates and removals are carried into the next write.
 * Compaction rewrites the file from the live messages (temp file, fsync,
 * rename, fsync of the directory).
 *
 * The store keeps the queue's own Message objects, so a compaction writes
 * their current state: the queue only changes the mutable fields and
 * persists each change with `update`, so at worst a compaction writes a
 * change a little before its update does.
 */
export class NedbQueueStore implements QueueStore {
  private readonly commits = new GroupCommit((batch) => this.writeBatch(batch))
  /** what the file holds, by id */
  private readonly messages = new Map<string, Message>()
  private readonly subscriptions = new Map<string, SubscriptionDoc>()
  /** updates and removals whose write failed: they go out with the next write that succeeds */
  private readonly carriedUpdates = new Map<string, Message>()
  private readonly carriedRemoves = new Set<string>()
  private file: AppendFile | null = null
  /** appends and compactions, one at a time, in order */
  private tail: Promise<unknown> = Promise.resolve()
  /** lines in the file beyond one per live record: what a compaction would drop */
  private appended = 0
  private closed = false
  private durability: Durability
  private readonly recovery: RecoveryLog | undefined

  constructor(
    readonly filename: string,
    opts: NedbStoreOptions = {},
  ) {
    this.durability = opts.durability ?? DEFAULT_DURABILITY
    this.recovery = opts.recovery
  }

  /** Takes effect from the next write. */
  setDurability(durability: Durability): void {
    this.durability = durability
  }

  async load(): Promise<{ messages: Message[]; subscriptions: Subscription[] }> {
    this.assertOpen()
    // A second load reads the file again from scratch.
    await this.tail
    await this.file?.close()
    this.file = null
    this.messages.clear()
    this.subscriptions.clear()
    this.carriedUpdates.clear()
    this.carriedRemoves.clear()
    const contents = await readQueueFile(this.filename)
    if (contents) {
      if (contents.version !== null && contents.version !== QUEUE_FORMAT_VERSION) {
        throw new FileFormatError(
          this.filename,
          `${this.filename} is in queue format version ${contents.version}, and this orch reads version ${QUEUE_FORMAT_VERSION}: ` +
            `a newer orch wrote it. Run that newer orch, or move the file away to start with an empty queue (its messages are then not delivered)`,
        )
      }
      for (const [id, m] of contents.messages) this.messages.set(id, m)
      for (const [id, s] of contents.subscriptions) this.subscriptions.set(id, s)
      this.appended = contents.lines - this.messages.size - this.subscriptions.size + (contents.version === null ? 0 : -1)
      // a file from before versions gets its header at the next compaction
      if (contents.version === null && contents.lines > 0) this.appended++
      if (contents.bad.length > 0) await this.recover(contents)
    }
    this.file = await AppendFile.open(this.filename)
    if (this.file.size === 0) {
      // a new file starts with its header; on a full disk it goes without, and reads as version 1
      await this.file.append(`${HEADER_LINE}\n`, true).catch(() => {})
    }
    return {
      messages: [...this.messages.values()],
      subscriptions: [...this.subscriptions.values()].map((s) => ({ topic: s.topic, subscriber: s.subscriber })),
    }
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
    await this.append([subscriptionLine(doc)])
    this.subscriptions.set(doc._id, doc)
  }

  async removeSubscription(s: Subscription): Promise<void> {
    this.assertOpen()
    const id = subscriptionDocId(s)
    if (!this.subscriptions.has(id)) return
    await this.append([deletionLine(id)])
    this.subscriptions.delete(id)
  }

  /** Rewrites the file with its header and one line per live record. */
  async compact(): Promise<void> {
    this.assertOpen()
    await this.commits.flush()
    await this.enqueue(async () => {
      const carried = this.carriedUpdates.size + this.carriedRemoves.size
      // An idle queue compacts on a schedule too: nothing new, nothing to rewrite (and no fsync).
      if (this.appended === 0 && carried === 0) return
      await this.rewrite()
      await this.file?.close()
      this.file = null
      this.file = await AppendFile.open(this.filename)
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

  /**
   * Writes the whole live state to the file (carried changes included, so
   * they are then on disk too), with the header first.
   */
  private async rewrite(): Promise<void> {
    const lines = [HEADER_LINE]
    for (const s of this.subscriptions.values()) lines.push(subscriptionLine(s))
    for (const [id, m] of this.messages) {
      if (!this.carriedRemoves.has(id)) lines.push(messageLine(this.carriedUpdates.get(id) ?? m))
    }
    await replaceFile(this.filename, `${lines.join('\n')}\n`)
    // only now that the file holds them
    for (const id of this.carriedRemoves) this.messages.delete(id)
    for (const [id, m] of this.carriedUpdates) if (this.messages.has(id)) this.messages.set(id, m)
    this.carriedRemoves.clear()
    this.carriedUpdates.clear()
    this.appended = 0
  }

  /**
   * Unreadable lines found at load: kept aside, then the file is rewritten
   * without them. On a full disk the rewrite may fail: then at least a torn
   * tail is cut (truncating needs no space), so the next append starts on a
   * line of its own, and the garbage lines wait for the next compaction.
   */
  private async recover(contents: QueueFileContents): Promise<void> {
    const { bad } = contents
    let movedTo: string | null = null
    const problems: string[] = []
    try {
      movedTo = await setAside(this.filename, bad.map((b) => `${b.text}\n`).join(''))
    } catch (err) {
      problems.push(`the lines could not be kept: ${(err as Error).message}`)
    }
    try {
      await this.rewrite()
    } catch (err) {
      problems.push(`the file could not be rewritten, so it keeps them until the next compaction: ${(err as Error).message}`)
      const torn = bad.at(-1)?.reason.startsWith('torn') ? contents.completeBytes : null
      if (torn !== null) await truncate(this.filename, torn).catch(() => {})
    }
    this.recovery?.note({ file: this.filename, lines: bad.length, movedTo, reason: [describeBad(bad), ...problems].join('; ') })
  }

  private enqueue<T>(job: () => Promise<T>): Promise<T> {
    const run = this.tail.then(job, job)
    this.tail = run.catch(() => {})
    return run
  }

  private append(lines: string[]): Promise<void> {
    return this.enqueue(async () => {
      if (this.closed && !this.file) throw new QueueClosedError('queue store')
      // a compaction that could not reopen the file leaves it to the next write
      this.file ??= await AppendFile.open(this.filename)
      await this.file.append(`${lines.join('\n')}\n`, this.durability === 'fsync')
      this.appended += lines.length
    })
  }

  /**
   * One group-commit batch, plus whatever earlier failed writes carried,
   * becomes one append. Only once it is written does the store remember it.
   */
  private async writeBatch(batch: WriteBatch): Promise<void> {
    // no hash table is made per batch unless it needs one: a busy queue writes a batch every few ms,
    // each with hundreds of inserts and removals, and a Set of them grown and dropped each time costs
    // more than the lookups (measured)
    const carried = this.carriedUpdates.size + this.carriedRemoves.size > 0
    const updates = carried ? new Map([...this.carriedUpdates, ...batch.updates]) : batch.updates
    const removes = carried ? [...new Set([...this.carriedRemoves, ...batch.removes])] : batch.removes
    // lines are built now, so they carry the latest state of each message: an insert's line is also its
    // updates of this batch, and a message inserted and removed in one batch (acked before its write
    // began) is neither. A removal of a message the file does not hold writes nothing.
    const deletions: string[] = []
    /** removals of messages not in the file: inserted in this batch, or unknown */
    let unwritten: Set<string> | undefined
    for (const id of removes) {
      if (this.messages.has(id)) deletions.push(deletionLine(id))
      else (unwritten ??= new Set()).add(id)
    }
    const removed = updates.size > 0 ? new Set(removes) : undefined
    const lines: string[] = []
    for (const m of batch.inserts) if (unwritten === undefined || !unwritten.has(m.id)) lines.push(messageLine(m))
    if (removed !== undefined) {
      const inserted = new Set(batch.inserts.map((m) => m.id))
      for (const [id, m] of updates) if (!removed.has(id) && !inserted.has(id) && this.messages.has(id)) lines.push(messageLine(m))
    }
    for (const line of deletions) lines.push(line)
    if (lines.length > 0) {
      try {
        await this.append(lines)
      } catch (err) {
        // nothing of this batch is on disk: its inserts are refused, its updates and removals wait for the next write
        for (const [id, m] of batch.updates) this.carriedUpdates.set(id, m)
        for (const id of batch.removes) {
          this.carriedUpdates.delete(id)
          this.carriedRemoves.add(id)
        }
        throw err
      }
    }
    for (const m of batch.inserts) if (unwritten === undefined || !unwritten.has(m.id)) this.messages.set(m.id, m)
    if (removed !== undefined) for (const [id, m] of updates) if (!removed.has(id) && this.messages.has(id)) this.messages.set(id, m)
    for (const id of removes) this.messages.delete(id)
    this.carriedUpdates.clear()
    this.carriedRemoves.clear()
  }

  private assertOpen(): void {
    if (this.closed) throw new QueueClosedError('queue store')
  }
}

function describeBad(bad: BadLine[]): string {
  const quoted = bad.slice(0, BAD_LINES_QUOTED).map((b) => `line ${b.line}: ${b.reason}`)
  if (bad.length > BAD_LINES_QUOTED) quoted.push(`and ${bad.length - BAD_LINES_QUOTED} more`)
  return `${bad.length} unreadable line${bad.length === 1 ? '' : 's'} (${quoted.join('; ')})`
}
