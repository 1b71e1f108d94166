import type { Durability } from './durability.js'
/** What a user writes in ecosystem.config.ts. */
export interface AgentDefinition {
  /** Unique name: letters, digits, '_' and '-'. */
  name: string
  /** Agent type from a plugin; 'node' when `script` is given, 'process' when `command` is. */
  type?: string
  script?: string
  command?: string
  args?: string[]
  cwd?: string
  env?: Record<string, string | number | boolean>
  instances?: number
  autorestart?: boolean | 'on-failure'
  maxRestarts?: number
  restartWindow?: string | number
  backoff?: { initial?: string | number; max?: string | number; factor?: number }
  startGrace?: string | number
  readyTimeout?: string | number
  killTimeout?: string | number
  killSignal?: NodeJS.Signals
  maxMemory?: string | number
  watch?: string[]
  dependsOn?: string[]
  /** Rotate each log file past this size (default '10M'). */
  logMaxSize?: string | number
  /** Rotated copies kept (default 3). */
  logRetain?: number
  /** Messages one instance handles at once (default 1). */
  concurrency?: number
  /** How long a delivered message stays leased without an ack or a renewal (default '30s'); the SDK renews it while the handler runs. */
  leaseTimeout?: string | number
  /** Options of the agent's type (see its plugin). */
  [option: string]: unknown
}

export interface OrchConfig {
  /** Plugin modules: paths relative to the config file, or package names. */
  plugins?: string[]
  agents: AgentDefinition[]
  /** How often CPU and memory are sampled (default 1s). */
  monitorInterval?: string | number
  /** Daemon-wide queue settings. */
  queue?: {
    /** 'buffered' (default): an answered send survives a kill -9 of the daemon; 'fsync': it survives a power cut too (each write is fsynced; slower). */
    durability?: 'buffered' | 'fsync'
  }
}

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
  killSignal: NodeJS.Signals
  maxMemoryBytes: number | null
  watch: string[]
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
  agents: ResolvedAgent[]
}
