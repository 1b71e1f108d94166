import { createHash } from 'node:crypto'
import type { InstanceRecord } from '../store/instance-record.js'

/**
 * What an instance's process was started with: its definition (without
 * `instances`, which scaling changes without touching a running process), its
 * command and its base environment, hashed. A running instance whose key
 * differs from its record's runs an older definition: `orch restart` applies it.
 */
export function definitionKey(record: Pick<InstanceRecord, 'agent' | 'spec' | 'shellEnv'>): string {
  const known = keys.get(record.agent)
  if (known !== undefined && known.spec === record.spec && known.shellEnv === record.shellEnv) return known.key
  const { instances: _instances, ...agent } = record.agent
  const key = createHash('sha1')
    .update(JSON.stringify([agent, record.spec, record.shellEnv ?? null]))
    .digest('base64url')
  keys.set(record.agent, { spec: record.spec, shellEnv: record.shellEnv, key })
  return key
}

/**
 * Keys made, by the definition object they were made of, with the spec and
 * environment objects beside it: a start of 50 agents asks for each key two
 * or three times, and each is a JSON of the whole environment and a hash.
 * Records are never changed in place (a new definition, spec or environment
 * is a new object), so the same objects give the same key.
 */
const keys = new WeakMap<object, { spec: unknown; shellEnv: unknown; key: string }>()

/** A running process started from an older definition or environment than its record holds now. */
export function runsOutdated(record: Pick<InstanceRecord, 'agent' | 'spec' | 'shellEnv' | 'pid' | 'runningDef'>): boolean {
  return record.pid !== null && record.runningDef != null && record.runningDef !== definitionKey(record)
}
