import { chmodSync } from 'node:fs'
import { join } from 'node:path'
import Datastore from 'nedb-promises'
import type { InstanceRecord } from './instance-record.js'
import { repairStateFile, STATE_FORMAT_VERSION, type StateFileRepair } from './repair-state-file.js'

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

interface NedbCompaction {
  setAutocompactionInterval(ms: number): void
  stopAutocompaction(): void
}

/** nedb-promises wraps @seald-io/nedb; compaction lives on the wrapped datastore (its typings only show the deprecated path). */
function nedbOf(db: Datastore<Doc>): NedbCompaction {
  return (db as unknown as { __original: NedbCompaction }).__original
}

type Doc = InstanceRecord & { _id: string; format?: number }

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
    readonly filename: string,
    private readonly onError: (err: unknown, id: string) => void,
  ) {
    // `modes` reaches @seald-io/nedb untouched; nedb-promises' typings just do not list it.
    const options = { filename, autoload: false, modes: DATA_FILE_MODES } as { filename: string; autoload: boolean }
    this.db = Datastore.create(options) as Datastore<Doc>
  }

  /**
   * Opens data/agents.db. Unreadable or wrong-shaped records are moved aside
   * (`onRepaired`) and every readable one is kept; a record of an unknown
   * format version throws a FileFormatError.
   */
  static async open(dataDir: string, opts: StateStoreOptions = {}): Promise<StateStore> {
    const store = new StateStore(join(dataDir, 'agents.db'), opts.onError ?? (() => {}))
    const repair = repairStateFile(store.filename)
    if (repair) opts.onRepaired?.({ ...repair, file: store.filename })
    await store.db.load()
    // A file from an earlier release may be 0644; NeDB only sets the mode of files it creates.
    chmodSync(store.filename, DATA_FILE_MODES.fileMode)
    nedbOf(store.db).setAutocompactionInterval(COMPACT_EVERY_MS)
    return store
  }

  async all(): Promise<InstanceRecord[]> {
    const docs = await this.db.find({})
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
        else await this.db.update({ _id: id }, { ...record, _id: id, format: STATE_FORMAT_VERSION }, { upsert: true })
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
