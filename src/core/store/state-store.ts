import type { InstanceRecord } from './instance-record.js'

/**
 * Where agent state is kept: the supervisor saves every transition, a new
 * daemon reads it all back. NedbStateStore (data/agents.db) is the real one;
 * MemoryStateStore is its twin for unit tests.
 */
export interface StateStore {
  /** every record, as last written */
  all(): Promise<InstanceRecord[]>
  /** schedules a write of the record as it is now (later changes to the object are not seen) */
  save(record: InstanceRecord): void
  remove(id: string): void
  /** resolves when everything saved so far is written, or after a pass in which a write failed */
  flush(): Promise<void>
  close(): Promise<void>
}
