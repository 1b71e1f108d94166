import type { AgentStatus } from '../protocol/types.js'
import { TRANSITION_TABLE } from './transition-table.js'

/**
 * The lifecycle of one agent instance as data: state × event (× facts) →
 * next state and effects. Pure: no clocks, no processes, no store. The
 * supervisor computes the facts, looks the row up with `transition()` and
 * runs the effects (lifecycle.ts). docs/lifecycle.md is generated from these
 * rows and a test keeps the two equal.
 */

export const LIFECYCLE_EVENTS = {
  start: 'a user, a config or a new daemon asks it to run',
  'dependency-changed': 'an agent it waits for (`dependsOn`) changed state',
  spawned: 'the process of the current attempt was spawned',
  'spawn-failed': 'the program could not be started (ENOENT, EACCES, missing cwd)',
  'grace-elapsed': 'it stayed up for its start grace',
  ready: 'its SDK signalled ready',
  'ready-timeout': '`readyTimeout` passed without ready',
  'memory-over-limit': 'its sampled RSS stayed over `maxMemory`',
  exit: 'its process ended (exit, crash, kill), or was found dead by a new daemon',
  'pid-reused': 'a re-adopted pid is no longer the same process (pid + start time)',
  'backoff-elapsed': 'the restart delay passed',
  stop: 'a user, a delete, a file change or `orch kill` stops it',
  'stop-finished': 'its process group is empty, or SIGKILL left survivors',
  adopt: 'a new daemon found its record (state as saved)',
  connected: 'an external agent said hello',
  disconnected: "an external agent's last connection closed",
  reload: 'a user asks for a rolling reload (`orch reload`)',
  'successor-online': "a reload's new process is online (up for its start grace, or it signalled ready)",
  'successor-failed': "a reload's new process could not start, ended, or was not ready in time, or the instance changed meanwhile (it was stopped then)",
} as const

export type LifecycleEvent = keyof typeof LIFECYCLE_EVENTS

/** What the supervisor knows when an event comes: a row with `when` applies only if every fact in it holds. */
export const LIFECYCLE_FACTS = {
  external: 'an external agent (not spawned by orch)',
  connected: 'an external agent with an open connection',
  'not connected': 'an external agent with no open connection',
  spawning: 'a spawn is under way',
  spawned: 'it has a process (a pid)',
  waiting: 'it waits for `dependsOn`',
  'dependencies pending': 'some `dependsOn` agent is not online',
  'dependencies met': 'every `dependsOn` agent is online (or not defined)',
  'wait changed': 'what it waits for differs from its last reason',
  'policy restarts': 'the restart policy restarts it (budget left)',
  'policy stops': 'a clean exit with `autorestart` false or on-failure',
  'policy gives up': 'budget spent (`maxRestarts` in `restartWindow`), or a failure with `autorestart` false',
  denied: 'the group may not be signalled (EPERM)',
  survivors: 'processes of the group survived SIGKILL',
  alive: 'the saved pid still runs with the saved start time',
  'desired running': 'it is asked to run',
  'desired stopped': 'it is asked to stay stopped',
  'adopt only': 'a daemon started by `orch kill` only to stop what is left',
  'no process': 'it had no process when the previous daemon ended (or one being stopped)',
} as const

export type LifecycleFact = keyof typeof LIFECYCLE_FACTS

/** Effects that update the instance before the transition is recorded (so the state event shows the new pid, or none). */
export const PREPARE_EFFECTS = {
  'reset-budget': 'a fresh restart budget (a manual start)',
  'wait-for-dependencies': 'remember what it waits for; it starts when they are online',
  'take-process': 'record the new pid, its process start time and when it started',
  'clean-up': 'forget the pid and token, kill what the dead process left in its group, report the exit',
  'cancel-attempt': 'a new attempt: timers, exit watchers and spawns of the old one are void',
  'count-restart': 'count the restart (window and backoff history)',
  'release-process': 'forget the stopped pid and token',
  'take-successor':
    "the reload's new process becomes the instance's (pid, token, start time; a fresh restart budget, one restart counted); a new attempt, so the old process's exit is void; the old one is kept as `retiring`",
} as const

/** Effects that run after the transition is recorded. */
export const ACT_EFFECTS = {
  spawn: 'a new attempt: new token, spawn the process detached in its own group',
  'arm-start-timer': 'after `startGrace` → grace-elapsed, or after `readyTimeout` → ready-timeout',
  'emit-spawned': 'tell plugins it started',
  'kill-for-restart': 'signal the group (then SIGKILL after `killTimeout`); the exit goes through the policy',
  'schedule-restart': 'after the backoff delay → backoff-elapsed',
  'desire-stopped': 'it is no longer asked to run',
  'signal-group': 'signal the group, SIGKILL after `killTimeout`, wait until it is empty → stop-finished',
  'emit-exited': 'tell plugins and the queue the process ended',
  'start-after-stop': 'start again once the stop under way is over, if still asked to run',
  'wait-for-stop': 'the caller waits for the stop under way',
  'treat-as-exit': 'handle it as an exit (policy decides)',
  'finish-stop': 'stop the live process, then start again if asked to run',
  'start-again': 'start it without a fresh budget',
  'renew-token': 'restart an agent spawned without an agent token, so that it can connect',
  'spawn-successor':
    'spawn a new process next to the running one, with its own token; online after `startGrace` or at ready() → successor-online; an exit, a spawn failure or `readyTimeout` → successor-failed',
  'retire-process': 'stop the old process (`killSignal` to its group, SIGKILL after `killTimeout`); its end is no exit of the instance',
} as const

export const LIFECYCLE_EFFECTS = { ...PREPARE_EFFECTS, ...ACT_EFFECTS }

export type PrepareEffect = keyof typeof PREPARE_EFFECTS
export type ActEffect = keyof typeof ACT_EFFECTS
export type LifecycleEffect = PrepareEffect | ActEffect

export function isPrepareEffect(effect: LifecycleEffect): effect is PrepareEffect {
  return Object.hasOwn(PREPARE_EFFECTS, effect)
}

export interface TransitionRow {
  from: readonly AgentStatus[]
  event: LifecycleEvent
  /** facts that must all hold; none means always */
  when?: readonly LifecycleFact[]
  /** the next state, recorded with a reason; null: the state stays and nothing is recorded */
  to: AgentStatus | null
  effects: readonly LifecycleEffect[]
  /** why, for rows that need it */
  note?: string
}

export interface TransitionResult {
  to: AgentStatus | null
  effects: readonly LifecycleEffect[]
  /** the row that matched; undefined when the pair is not in the table (ignored) */
  row?: TransitionRow
}

export { TRANSITION_TABLE }

/** The first row for this state and event whose facts all hold; a pair with no row is ignored. */
export function transition(state: AgentStatus, event: LifecycleEvent, facts: ReadonlySet<LifecycleFact>): TransitionResult {
  for (const row of TRANSITION_TABLE) {
    if (row.event !== event || !row.from.includes(state)) continue
    if (row.when && !row.when.every((f) => facts.has(f))) continue
    return { to: row.to, effects: row.effects, row }
  }
  return { to: null, effects: [] }
}
