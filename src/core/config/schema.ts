import { DURABILITY_VALUES } from './durability.js'
import type { Schema } from '../schema/field.js'
import { MIN_LEASE_MS } from '../schema/units.js'
import { MIN_MONITOR_INTERVAL_MS } from './defaults.js'

export const AGENT_NAME_PATTERN = /^[A-Za-z0-9_-]{1,64}$/

const duration = { kind: 'duration' } as const

/** Fields every agent accepts, whatever its type. Type options come from the type's plugin. */
export const COMMON_AGENT_FIELDS: Schema = {
  name: {
    kind: 'string',
    required: true,
    pattern: AGENT_NAME_PATTERN,
    patternText: "a name of 1 to 64 letters, digits, '_' or '-'",
  },
  type: { kind: 'string', nonEmpty: true },
  script: { kind: 'string', nonEmpty: true },
  command: { kind: 'string', nonEmpty: true },
  args: { kind: 'stringArray' },
  cwd: { kind: 'string', nonEmpty: true },
  env: { kind: 'stringMap' },
  instances: { kind: 'integer', min: 1, max: 256 },
  autorestart: { kind: 'enum', values: [true, false, 'on-failure'] },
  maxRestarts: { kind: 'integer', min: 0 },
  restartWindow: duration,
  backoff: {
    kind: 'object',
    fields: { initial: duration, max: duration, factor: { kind: 'number', min: 1 } },
  },
  startGrace: duration,
  readyTimeout: duration,
  killTimeout: duration,
  // a name kill(2) does not know used to pass and read as "process gone" at every stop, leaving copies running
  killSignal: { kind: 'signal' },
  maxMemory: { kind: 'size' },
  watch: { kind: 'stringArray' },
  dependsOn: { kind: 'stringArray' },
  logMaxSize: { kind: 'size' },
  logRetain: { kind: 'integer', min: 0, max: 100 },
  concurrency: { kind: 'integer', min: 1, max: 10_000 },
  leaseTimeout: { kind: 'duration', min: MIN_LEASE_MS },
}

/** The daemon-wide queue settings (top-level `queue`). */
export const QUEUE_FIELDS: Schema = {
  durability: { kind: 'enum', values: DURABILITY_VALUES },
}
const QUEUE_FIELDS_SPEC = { kind: 'object', fields: QUEUE_FIELDS } as const

export const CONFIG_FIELDS: Schema = {
  plugins: { kind: 'stringArray' },
  agents: { kind: 'json', required: true },
  // sampling every agent with no pause costs a core; a floor keeps the daemon idle when the team is
  monitorInterval: { kind: 'duration', min: MIN_MONITOR_INTERVAL_MS },
  queue: QUEUE_FIELDS_SPEC,
}
