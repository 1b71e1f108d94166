import type { InstanceRecord } from '../store/instance-record.js'
import type { UsageSample } from '../protocol/types.js'
import type { AgentProcess } from './spawner.js'
import type { Successor } from './successor.js'

export const USAGE_HISTORY = 60
export const EVENTS_KEPT = 50

/** Runtime of one agent instance: its persisted record plus what only lives in this daemon. Only the supervisor writes it. */
export interface Instance {
  record: InstanceRecord
  /** our child process; absent for an agent re-adopted after a daemon restart */
  proc?: AgentProcess
  /**
   * The current attempt. Every timer, exit watcher and spawn carries the
   * attempt it was made for; what comes back for another one is void.
   */
  attempt: number
  /** a spawn of the current attempt is under way */
  spawning: boolean
  /** the reason the current attempt's spawn was made for, recorded once it is spawned */
  launchReason: string
  timers: Set<NodeJS.Timeout>
  usage: UsageSample[]
  /** consecutive samples over maxMemory */
  memoryStrikes: number
  /** why we are killing it, when it is not a user stop (memory, ready timeout) */
  pendingCause?: string
  /** waiting for these agents to be online before it can start */
  waitingFor?: string[]
  /** an external agent: its open connections, and the pid its latest one said hello with */
  peers: number
  peerPid?: number
  /** a reload's new process, until it takes over or fails (successors.ts) */
  successor?: Successor
}

/** What request handlers, the monitor and the daemon may read of an instance; changes go through the supervisor. */
export interface InstanceView {
  readonly record: Readonly<InstanceRecord>
  readonly usage: readonly UsageSample[]
  readonly peerPid?: number
  /** a reload's new process: its hello is admitted with this token next to the current process's */
  readonly successor?: { readonly token: string }
}

export function newInstance(record: InstanceRecord): Instance {
  return { record, attempt: 0, spawning: false, launchReason: '', timers: new Set(), usage: [], memoryStrikes: 0, peers: 0 }
}

export function clearTimers(inst: Instance): void {
  for (const t of inst.timers) clearTimeout(t)
  inst.timers.clear()
}

/** A timer that is forgotten when it fires or when the instance's timers are cleared. */
export function setInstanceTimer(inst: Instance, ms: number, fn: () => void): void {
  const t = setTimeout(() => {
    inst.timers.delete(t)
    fn()
  }, ms)
  t.unref()
  inst.timers.add(t)
}
