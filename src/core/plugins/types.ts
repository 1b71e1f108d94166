import type { InferInput, ObjectEntries, ObjectSchema } from 'valibot'
import type { FieldProblem } from '../schema/problems.js'
import type { ResolvedAgent } from '../config/types.js'
import type { AgentStatus } from '../protocol/types.js'

/** What the supervisor spawns for one agent instance. */
export interface SpawnSpec {
  command: string
  args: string[]
  /** Added to the environment; orch's own variables and the config's `env` are set too. */
  env?: Record<string, string>
  cwd?: string
}

/** The options of a type as an agent definition holds them (as written), typed by their schemas. */
export type AgentOptions<O extends ObjectEntries> = InferInput<ObjectSchema<O, undefined>>

/**
 * An agent type: the options it accepts and how it turns a definition into a
 * process. `O`, the option schemas, also types `agent.raw` in `toSpawnSpec`
 * (write the type with `defineAgentType` to have it inferred).
 */
export interface AgentType<O extends ObjectEntries = ObjectEntries> {
  /** The `type` a config names, e.g. 'node'. */
  name: string
  /** One line for `orch describe` and errors. */
  description: string
  /**
   * Options this type accepts beyond the common agent fields: Valibot schemas
   * by field name, written with `v` and orch's field builders (`str`,
   * `duration`, ...) from 'orch', e.g. `{ nodeArgs: v.optional(strings()) }`.
   * A field that is not `v.optional` is required.
   */
  options?: O
  /** Checks that need more than one field (e.g. "script is required"). */
  check?(def: Record<string, unknown>, ctx: { configDir: string }): FieldProblem[]
  /** Turns a validated definition into the command to run. */
  toSpawnSpec(agent: ResolvedAgent & { raw: AgentOptions<O> }): SpawnSpec
  /**
   * Runs before every spawn of an instance, restarts included, e.g. to compile
   * a script that changed; returns what to run this time. The recorded spec
   * stays as `toSpawnSpec` made it. A rejection is a failed start.
   */
  prepareSpawn?(spec: SpawnSpec, ctx: { agent: ResolvedAgent & { raw: AgentOptions<O> }; home: string }): Promise<SpawnSpec>
}

export interface AgentHookEvent {
  agent: string
  name: string
  instance: number
  pid: number | null
}

export interface MessageHookEvent {
  id: string
  from: string
  to: string
  type: string
  attempts: number
  lastError?: string
}

/**
 * Lifecycle hooks. Each may be async; a hook that throws or rejects is logged
 * in daemon.log and isolated: it never stops the daemon or the agent.
 */
export interface PluginHooks {
  /** Fires once the daemon listens on its socket and has re-adopted surviving agents. */
  daemonStarted?(e: { pid: number; home: string }): void | Promise<void>
  /** Fires when the daemon begins to shut down, with the reason. */
  daemonStopping?(e: { reason: string }): void | Promise<void>
  /** Fires right after an agent process is spawned (status `starting`). */
  agentStarted?(e: AgentHookEvent): void | Promise<void>
  /** Fires when an agent becomes `online` (past its start grace, or ready). */
  agentOnline?(e: AgentHookEvent): void | Promise<void>
  /** Fires when an agent process exits, before the restart policy decides. */
  agentExited?(e: AgentHookEvent & { code: number | null; signal: string | null }): void | Promise<void>
  /** Fires on every state transition of an agent. */
  agentStateChanged?(e: AgentHookEvent & { from: AgentStatus | null; to: AgentStatus; reason: string }): void | Promise<void>
  /** Fires when an agent gives up after its restart budget (`errored`). */
  agentErrored?(e: AgentHookEvent & { reason: string }): void | Promise<void>
  /** Fires after a message is stored (its send was answered). */
  messageSent?(e: MessageHookEvent): void | Promise<void>
  /** Fires when a message is pushed to a recipient. */
  messageDelivered?(e: MessageHookEvent): void | Promise<void>
  /** Fires when a message goes to the dead-letter list. */
  messageDeadLettered?(e: MessageHookEvent): void | Promise<void>
}

/** A plugin: the default export of a plugin module. */
export interface OrchPlugin {
  name: string
  agentTypes?: AgentType[]
  hooks?: PluginHooks
}

/** Only adds types: `agent.raw` in `toSpawnSpec` is typed by the options' schemas. */
export function defineAgentType<const O extends ObjectEntries>(type: AgentType<O>): AgentType<O> {
  return type
}

/** Only adds types, like defineConfig. */
export function definePlugin(plugin: OrchPlugin): OrchPlugin {
  return plugin
}
