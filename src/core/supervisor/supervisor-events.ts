import type { AgentStatus } from '../protocol/types.js'
import type { InstanceRecord } from '../store/instance-record.js'
import type { ExitInfo } from './policy.js'

export interface SupervisorEvents {
  /** every transition, with its reason */
  state: (r: InstanceRecord, from: AgentStatus | null, to: AgentStatus, reason: string) => void
  /** a process was spawned */
  spawned: (r: InstanceRecord) => void
  /** a process ended (crash, exit, kill); r.pid is the pid that ended */
  exited: (r: InstanceRecord, exit: ExitInfo) => void
  /** the process a reload replaced is gone (not an exit of the instance: its connections end on their own); r.pid is that process */
  retired: (r: InstanceRecord, exit: ExitInfo) => void
  /** the set of agents that should run changed */
  desiredChanged: () => void
}

export type Emit = <K extends keyof SupervisorEvents>(event: K, ...args: Parameters<SupervisorEvents[K]>) => void
