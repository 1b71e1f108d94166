import type { HistoryBound } from '../history/history-bound.js'
import type * as v from 'valibot'
import type { Durability } from './durability.js'
import type { MetricsAddress } from '../observe/metrics-settings.js'
import type { AGENT_SCHEMA, CONFIG_SCHEMA } from './schema.js'
import type { SignalName } from './signal-name.js'

/**
 * What a user writes in ecosystem.config.ts: derived from the schema that
 * checks it (schema.ts), so the type and the check cannot drift apart.
 * Fields beyond the common ones are the options of the agent's type (see its plugin).
 */
export type AgentDefinition = v.InferInput<typeof AGENT_SCHEMA>

export type OrchConfig = v.InferInput<typeof CONFIG_SCHEMA>

/** A definition after validation: defaults filled, durations in ms, sizes in bytes, paths absolute. */
export interface ResolvedAgent {
  name: string
  type: string
  cwd: string
  env: Record<string, string>
  args: string[]
  instances: number
  autorestart: boolean | 'on-failure'
  maxRestarts: number
  restartWindowMs: number
  backoff: { initialMs: number; maxMs: number; factor: number }
  startGraceMs: number
  readyTimeoutMs: number | null
  killTimeoutMs: number
  killSignal: SignalName
  maxMemoryBytes: number | null
  /** absolute paths: `watch: true` is [cwd] */
  watch: string[]
  /** `ignoreWatch` as written: paths and globs relative to cwd */
  ignoreWatch: string[]
  dependsOn: string[]
  logMaxBytes: number
  logRetain: number
  concurrency: number
  leaseTimeoutMs: number
  /** The definition as written (type options included), for the agent type and `describe`. */
  raw: AgentDefinition
  configDir: string
}

export interface ResolvedConfig {
  file: string
  plugins: string[]
  monitorIntervalMs: number
  /** only what the config sets: an absent setting leaves the daemon's as it is */
  queue: { durability?: Durability }
  /** absent: leave the daemon's as it is; null: stop exporting (`enabled: false`) */
  otlp?: OtlpSettings | null
  /** `metrics`: where /metrics is served, null to stop; undefined when the config does not say (the daemon keeps its setting) */
  metrics: MetricsAddress | null | undefined
  /** `dashboard`: where `orch dashboard` serves, when the config says (remembered by the daemon) */
  dashboard?: DashboardAddress
  /** the message history's bound, when the config sets `history` (its unset fields take the defaults) */
  history?: HistoryBound
  agents: ResolvedAgent[]
}

/** Where the daemon exports message spans (OTLP over HTTP). */
export interface OtlpSettings {
  /** the base endpoint as written; spans go to `${endpoint}/v1/traces` unless it ends with /v1/traces */
  endpoint: string
  headers: Record<string, string>
}

/** Where the web dashboard is served (`dashboard` in the config, `orch dashboard --host/--port`). */
export interface DashboardAddress {
  host: string
  port: number
}
