import type { InstanceRecord } from '../store/instance-record.js'
import type { AgentLeader } from './proc.js'
import type { StopResult } from './stop-group.js'

/** A process the supervisor spawned. */
export interface AgentProcess {
  readonly pid: number
  /** process start time (see proc.ts); null when it could not be read */
  readonly procStart: number | null
  /** called once when the process ends */
  onExit(fn: (code: number | null, signal: string | null) => void): void
  /** stop listening (daemon shutdown: the agent keeps running) */
  detach(): void
}

/** How the supervisor starts and stops processes; a fake one drives the unit tests. */
export interface Spawner {
  /** Spawns one instance detached, leading its own process group. Rejects when the program cannot start. */
  spawn(record: InstanceRecord): Promise<AgentProcess>
  /** Signal the whole group, SIGKILL after `timeoutMs`, and report what is left. */
  stopGroup(pgid: number, signal: NodeJS.Signals, timeoutMs: number): Promise<StopResult>
  /** Kills what a dead leader left in its group, unless its pid belongs to another process now. */
  killLeftovers(pgid: number): void
}

/** Whether a pid is still the process that was started (pid + start time: a reused pid is never ours). */
export interface ProcessProbe {
  isSameProcess(pid: number, procStart: number | null): boolean
  /** The running agents of this home by instance id, newest first (an agent whose record was never saved is found here). */
  agentLeaders(): Map<string, AgentLeader[]>
}
