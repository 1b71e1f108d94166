import type * as v from 'valibot'
import type { ResolvedAgent } from '../config/types.js'
import type { SpawnSpec } from '../plugins/types.js'
import type { AgentEvent, AgentStatus } from '../protocol/types.js'
import type { RESTART_HISTORY } from './persisted-schemas.js'

/** What the restart policy (supervisor/policy.ts) needs to remember of an instance's past exits. */
export type RestartHistory = v.InferOutput<typeof RESTART_HISTORY>

/** A process identified as the supervisor identifies its agents: pid and process start time. */
export interface RetiringProcess {
  pid: number
  procStart: number | null
}

/** What the state store keeps of one agent instance: enough to re-adopt or restart it after a daemon crash. */
export interface InstanceRecord {
  /** instance id: `name`, or `name:N` when the agent has several instances */
  id: string
  name: string
  index: number
  agent: ResolvedAgent
  spec: SpawnSpec
  configPath: string | null
  /**
   * The environment of the `orch start` that defined this instance (the
   * shell's), under the config's `env`; replaced by `--update-env`. null: the
   * daemon's own (records written before orch kept it, or an old client).
   */
  shellEnv?: Record<string, string> | null
  /** definitionKey() of what the running process was started with (supervisor/definition-key.ts) */
  runningDef?: string | null
  desired: 'running' | 'stopped'
  status: AgentStatus
  pid: number | null
  /** process start time in clock ticks since boot (see proc.ts) */
  procStart: number | null
  startedAt: number | null
  /**
   * The secret of the running process (ORCH_AGENT_TOKEN in its environment,
   * new at every spawn): only that process may say hello as this instance.
   * Kept here so a daemon that re-adopts the process still knows it.
   */
  token?: string | null
  /**
   * A process of this instance that is not its current one and must end:
   * during a reload, the new process until it takes over, then the old one
   * until it is gone. A new daemon that finds it still running stops it, so
   * a daemon crash in the middle of a reload never leaves two processes for
   * one instance.
   */
  retiring?: RetiringProcess | null
  restarts: number
  history: RestartHistory
  events: AgentEvent[]
}
