import type { OrchPaths } from '../paths.js'
import type { SpawnSpec } from '../plugins/types.js'
import type { InstanceRecord } from '../store/instance-record.js'
import { signalGroup } from './group-waiter.js'
import { findAgentLeaders, isSameProcess, procStartTime } from './proc.js'
import { spawnAgent } from './spawn-agent.js'
import type { AgentProcess, ProcessProbe, Spawner } from './spawner.js'
import { stopGroup, type StopResult } from './stop-group.js'

/** What to run this time for a record (an agent type's `prepareSpawn`). */
export type PrepareSpawn = (record: InstanceRecord) => Promise<SpawnSpec>

/** The real spawner: child_process, detached, one process group per agent. */
export class ChildProcessSpawner implements Spawner {
  constructor(
    private readonly paths: OrchPaths,
    private readonly prepare: PrepareSpawn = async (record) => record.spec,
  ) {}

  async spawn(record: InstanceRecord): Promise<AgentProcess> {
    const spec = await this.prepare(record)
    const { child, pid, procStart } = await spawnAgent({ ...record, spec }, this.paths)
    return {
      pid,
      procStart,
      onExit: (fn) => void child.once('exit', (code, signal) => fn(code, signal)),
      detach: () => void child.removeAllListeners('exit'),
    }
  }

  stopGroup(pgid: number, signal: NodeJS.Signals, timeoutMs: number): Promise<StopResult> {
    return stopGroup(pgid, signal, timeoutMs)
  }

  /**
   * Children a dead agent left in its group would be duplicated by the restart.
   * The kernel never hands out a pid that is still some group's id, so when no
   * process has the leader's pid, whatever is left in that group is ours. When
   * another process has the pid now, it is not ours: leave it alone.
   */
  killLeftovers(pgid: number): void {
    if (procStartTime(pgid) === null) signalGroup(pgid, 'SIGKILL')
  }
}

/** pid + start time, and the agents of `home`, from /proc. */
export function procProbe(home: string): ProcessProbe {
  return { isSameProcess, agentLeaders: () => findAgentLeaders(home) }
}
