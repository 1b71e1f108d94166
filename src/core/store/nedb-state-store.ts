import { chmodSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import Datastore from 'nedb-promises'
import type { InstanceRecord } from './instance-record.js'
import { repairStateFile, STATE_FORMAT_VERSION, type StateFileRepair } from './repair-state-file.js'
import type { StateStore } from './state-store.js'

const COMPACT_EVERY_MS = 10 * 60_000
/** A failed write (disk full, permissions) is tried again after this long. */
const RETRY_MS = 1_000
/** Agent state holds each agent's token and environment: for this user only (NeDB's default is 0644). */
const DATA_FILE_MODES = { fileMode: 0o600, dirMode: 0o700 }

export interface StateStoreOptions {
  /** hears of writes that failed; they are retried, never dropped */
  onError?: (err: unknown, id: string) => void
  /** hears of unreadable records moved aside when the file was opened */
  onRepaired?: (repair: StateFileRepair & { file: string }) => void
}

type Doc = InstanceRecord & { _id: string; format?: number }

/**
 * nedb-promises' `Datastore.create` returns a proxy that hands on what it
 * does not wrap to @seald-io/nedb's datastore, its documented way to reach
 * it; its typings list only `persistence`, whose compaction methods
 * @seald-io/nedb deprecates (and warns about at every call). Not
 * `setAutocompactionInterval` through the proxy: its `stopAutocompaction`
 * sets a field to null, which the proxy's `set` trap refuses (TypeError).
 */
type Store = Datastore<Doc> & { compactDatafileAsync(): Promise<void> }

/** A write refused for lack of room: the store waits for space instead of failing the daemon. */
function isNoSpace(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code
  return code === 'ENOSPC' || code === 'EDQUOT'
}

/**
 * The documents of agents.db read as NeDB would (the last line of an id
 * wins, a deletion marker removes it), without NeDB's rewrite of the file on
 * load, which a full disk refuses. Unreadable lines were already moved aside.
 */
function readDocs(file: string): Map<string, Doc> {
  const docs = new Map<string, Doc>()
  let text = ''
  try {
    text = readFileSync(file, 'utf8')
  } catch {
    return docs
  }
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue
    try {
      const doc = JSON.parse(line) as Doc & { $$deleted?: boolean }
      if (typeof doc._id !== 'string') continue
      if (doc.$$deleted) docs.delete(doc._id)
      else docs.set(doc._id, doc)
    } catch {}
  }
  return docs
}

/**
 * Agent state in NeDB (data/agents.db). Saves are coalesced: many transitions
 * in one tick become one write per instance, in the order they happened.
 */
export class NedbStateStore implements StateStore {
  /** null while a full disk keeps NeDB from loading: `readOnly` holds the records meanwhile */
  private db: Store | null
  private readOnly: Map<string, Doc> | null = null
  private readonly dirty = new Map<string, InstanceRecord | null>()
  private flushing: Promise<void> | null = null
  private retryTimer: NodeJS.Timeout | null = null
  private lastPassFailed = false
  private compactTimer: NodeJS.Timeout | null = null

  private constructor(
    readonly filename: string,
    private readonly onError: (err: unknown, id: string) => void,
  ) {
    this.db = NedbStateStore.datastore(filename)
  }

  private static datastore(filename: string): Store {
    // `modes` reaches @seald-io/nedb untouched; nedb-promises' typings just do not list it.
    const options = { filename, autoload: false, modes: DATA_FILE_MODES } as { filename: string; autoload: boolean }
    return Datastore.create(options) as Store
  }

  /**
   * Opens data/agents.db. Unreadable or wrong-shaped records are moved aside
   * (`onRepaired`) and every readable one is kept; a record of an unknown
   * format version throws a FileFormatError.
   */
  static async open(dataDir: string, opts: StateStoreOptions = {}): Promise<NedbStateStore> {
    const store = new NedbStateStore(join(dataDir, 'agents.db'), opts.onError ?? (() => {}))
    const repair = repairStateFile(store.filename)
    if (repair) opts.onRepaired?.({ ...repair, file: store.filename })
    try {
      await store.loaded(store.db!)
    } catch (err) {
      if (!isNoSpace(err)) throw err
      // NeDB rewrites the whole file when it loads, which a full disk refuses: start from the
      // records as they are, and write again (loading NeDB first) once there is room.
      store.db = null
      store.readOnly = readDocs(store.filename)
      store.onError(err, 'agents.db')
    }
    return store
  }

  private async loaded(db: Store): Promise<Store> {
    await db.load()
    // A file from an earlier release may be 0644; NeDB only sets the mode of files it creates.
    chmodSync(this.filename, DATA_FILE_MODES.fileMode)
    this.compactEvery(db)
    return db
  }

  /** NeDB appends every update: rewriting the file now and then keeps it about one line per instance. */
  private compactEvery(db: Store): void {
    if (this.compactTimer) clearInterval(this.compactTimer)
    this.compactTimer = setInterval(() => {
      // a full disk refuses the rewrite: the file stays as it is until the next try
      db.compactDatafileAsync().catch((err: unknown) => this.onError(err, 'agents.db'))
    }, COMPACT_EVERY_MS)
    this.compactTimer.unref()
  }

  /** The datastore, loaded now if a full disk kept it from loading at start. */
  private async datastore(): Promise<Store> {
    if (this.db) return this.db
    this.db = await this.loaded(NedbStateStore.datastore(this.filename))
    this.readOnly = null
    return this.db
  }

  async all(): Promise<InstanceRecord[]> {
    const docs = this.db ? await this.db.find({}) : [...(this.readOnly?.values() ?? [])]
    return docs.map(({ _id, format: _format, ...rest }) => ({ ...rest, id: _id }) as InstanceRecord)
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
    if (this.compactTimer) clearInterval(this.compactTimer)
    this.compactTimer = null
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
        const db = await this.datastore()
        if (record === null) await db.remove({ _id: id }, { multi: false })
        else await db.update({ _id: id }, { ...record, _id: id, format: STATE_FORMAT_VERSION }, { upsert: true })
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
