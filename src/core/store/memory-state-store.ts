import type { InstanceRecord } from './instance-record.js'
import type { StateStore } from './state-store.js'

/** Agent state in memory: the StateStore twin for unit tests. Copies on the way in and out, as a file would. */
export class MemoryStateStore implements StateStore {
  private readonly records = new Map<string, InstanceRecord>()

  async all(): Promise<InstanceRecord[]> {
    return [...this.records.values()].map((r) => structuredClone(r))
  }

  save(record: InstanceRecord): void {
    this.records.set(record.id, structuredClone(record))
  }

  remove(id: string): void {
    this.records.delete(id)
  }

  /** The record as last saved, for assertions. */
  get(id: string): InstanceRecord | undefined {
    const r = this.records.get(id)
    return r && structuredClone(r)
  }

  async flush(): Promise<void> {}

  async close(): Promise<void> {}
}
