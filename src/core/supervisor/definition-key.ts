import { createHash } from 'node:crypto'
import type { InstanceRecord } from '../store/instance-record.js'

/**
 * What an instance's process was started with: its definition (without
 * `instances`, which scaling changes without touching a running process), its
 * command and its base environment, hashed. A running instance whose key
 * differs from its record's runs an older definition: `orch restart` applies it.
 */
export function definitionKey(record: Pick<InstanceRecord, 'agent' | 'spec' | 'shellEnv'>): string {
  const { instances: _instances, ...agent } = record.agent
  return createHash('sha1')
    .update(JSON.stringify([agent, record.spec, record.shellEnv ?? null]))
    .digest('base64url')
}

/** A running process started from an older definition or environment than its record holds now. */
export function runsOutdated(record: Pick<InstanceRecord, 'agent' | 'spec' | 'shellEnv' | 'pid' | 'runningDef'>): boolean {
  return record.pid !== null && record.runningDef != null && record.runningDef !== definitionKey(record)
}
