import type { ExitInfo, RestartDecision } from './policy.js'
import type { AgentProcess } from './spawner.js'
import type { Successor } from './successor.js'
import type { StopResult } from './stop-group.js'

/** An event with what came with it. */
export type LifecycleInput =
  | { event: 'start'; reason: string; fresh: boolean }
  | { event: 'dependency-changed' }
  | { event: 'spawned'; proc: AgentProcess }
  | { event: 'spawn-failed'; error: Error }
  | { event: 'grace-elapsed' }
  | { event: 'ready' }
  | { event: 'ready-timeout' }
  | { event: 'memory-over-limit'; cause: string }
  | { event: 'exit' | 'pid-reused'; exit: ExitInfo }
  | { event: 'backoff-elapsed'; exit: ExitInfo }
  | { event: 'stop'; reason: string }
  | { event: 'stop-finished'; pid: number; reason: string; result: StopResult }
  | { event: 'adopt'; startDead: boolean; alive: boolean; diedPid: number | null; wasStopping: boolean; unsaved?: boolean }
  | { event: 'connected'; reason: string }
  | { event: 'disconnected' }
  | { event: 'reload'; reason: string }
  | { event: 'successor-online'; successor: Successor; how: string }
  | { event: 'successor-failed'; reason: string }

/** What the facts of an event yield besides the facts: the reason a transition is recorded with. */
export interface EventContext {
  reason: string
  /** the restart policy's decision, for exits */
  decision?: RestartDecision
  /** the exit as the policy saw it (with the pending kill cause) */
  exit?: ExitInfo
  /** the dependencies it waits for */
  waiting?: string[]
  /** the process a reload's new one replaced (take-successor), for retire-process */
  retired?: { pid: number; procStart: number | null; proc?: AgentProcess }
}
