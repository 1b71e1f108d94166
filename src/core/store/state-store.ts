import { join } from 'node:path'
import Datastore from 'nedb-promises'
import type { InstanceRecord } from './instance-record.js'

const COMPACT_EVERY_MS = 10 * 60_000
/** A failed write (disk full, permissions) is tried again after this long. */
const RETRY_MS = 1_000

interface NedbCompaction {
  setAutocompactionInterval(ms: number): void
  stopAutocompaction(): void
}

/** nedb-promises wraps @seald-io/nedb; compaction lives on the wrapped datastore (its typings only show the deprecated path). */
function nedbOf(db: Datastore<Doc>): NedbCompaction {
  return (db as unknown as { __original: NedbCompaction }).__original
}

type Doc = InstanceRecord & { _id: string }

/**
 * Agent state in NeDB (data/agents.db). Saves are coalesced: many transitions
 * in one tick become one write per instance, in the order they happened.
 */
export class StateStore {
  private readonly db: Datastore<Doc>
  private readonly dirty = new Map<string, InstanceRecord | null>()
  private flushing: Promise<void> | null = null
  private retryTimer: NodeJS.Timeout | null = null
  private lastPassFailed = false

  private constructor(
    dataDir: string,
    private readonly onError: (err: unknown, id: string) => void,
  ) {
    this.db = Datastore.create({ filename: join(dataDir, 'agents.db'), autoload: false }) as Datastore<Doc>
  }

  /** `onError` hears of writes that failed; they are retried, never dropped. */
  static async open(dataDir: string, onError: (err: unknown, id: string) => void = () => {}): Promise<StateStore> {
    const store = new StateStore(dataDir, onError)
    await store.db.load()
    nedbOf(store.db).setAutocompactionInterval(COMPACT_EVERY_MS)
    return store
  }

  async all(): Promise<InstanceRecord[]> {
    const docs = await this.db.find({})
    return docs.map(({ _id, ...rest }) => ({ ...rest, id: _id }) as InstanceRecord)
  }

  /** Schedules a write of the record as it is now. */
  save(record: InstanceRecord): void {
    this.dirty.set(record.id, structuredClone(record))
    this.schedule()
  }

  remove(id: string): void {
    this.dirty.set(id, null)
    this.schedule()
  }

  /** Resolves when everything saved so far is written, or after a pass in which a write failed. */
  async flush(): Promise<void> {
    this.lastPassFailed = false
    while (this.flushing || this.dirty.size > 0) {
      if (!this.flushing) this.schedule()
      await this.flushing
      if (this.lastPassFailed) return
    }
  }

  async close(): Promise<void> {
    if (this.retryTimer) clearTimeout(this.retryTimer)
    await this.flush()
    nedbOf(this.db).stopAutocompaction()
  }

  private schedule(): void {
    if (this.flushing) return
    this.flushing = new Promise<void>((resolve) => setImmediate(resolve)).then(() => this.write())
  }

  private async write(): Promise<void> {
    const batch = [...this.dirty]
    this.dirty.clear()
    let failed = false
    for (const [id, record] of batch) {
      try {
        if (record === null) await this.db.remove({ _id: id }, { multi: false })
        else await this.db.update({ _id: id }, { ...record, _id: id }, { upsert: true })
      } catch (err) {
        // Keep it for the next pass, unless a newer state of it is already waiting.
        failed = true
        if (!this.dirty.has(id)) this.dirty.set(id, record)
        this.onError(err, id)
      }
    }
    this.flushing = null
    this.lastPassFailed = failed
    if (this.dirty.size === 0) return
    if (!failed) this.schedule()
    else if (!this.retryTimer) {
      this.retryTimer = setTimeout(() => {
        this.retryTimer = null
        this.schedule()
      }, RETRY_MS)
      this.retryTimer.unref()
    }
  }
}
