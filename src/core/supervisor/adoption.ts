import { EXTERNAL_TYPE } from '../config/defaults.js'
import type { Instance } from './instance.js'
import type { Lifecycle } from './lifecycle.js'
import type { AgentLeader } from './proc.js'
import type { ProcessProbe } from './spawner.js'

/**
 * A new daemon takes over an instance the previous one left: live ones
 * (same pid and same process start time) are adopted without a restart;
 * ones that died while no daemon ran go through the restart policy
 * (the `adopt` rows of the transition table).
 *
 * A daemon killed between spawning an agent and saving its record leaves a
 * record without that process. Such an agent is found by its environment
 * (`leaders`: this home's agents from /proc) and adopted, so it is neither
 * left unsupervised nor started a second time.
 */
export function adoptInstance(
  lifecycle: Lifecycle,
  probe: ProcessProbe,
  inst: Instance,
  startDead: boolean,
  leaders: () => Map<string, AgentLeader[]>,
): void {
  const r = inst.record
  // The previous daemon's timers and stops died with it.
  const wasStopping = r.status === 'stopping'
  if (wasStopping || r.status === 'backoff') r.status = 'stopped'
  let alive = r.pid !== null && probe.isSameProcess(r.pid, r.procStart)
  let diedPid = alive ? null : r.pid
  let unsaved = false
  if (!alive) {
    r.pid = null
    r.procStart = null
    // the other process of a reload under way is no candidate: it is stopped (supervisor.ts stopRetiring)
    const found = r.agent.type === EXTERNAL_TYPE ? undefined : leaders().get(r.id)?.find((l) => l.pid !== r.retiring?.pid)
    if (found) {
      // the save that would have said so: spawned, starting, with this token
      r.pid = found.pid
      r.procStart = found.procStart
      r.token = found.token
      r.startedAt ??= Date.now()
      if (r.status === 'stopped' || r.status === 'errored') r.status = 'starting'
      alive = true
      diedPid = null
      unsaved = true
    }
  }
  lifecycle.dispatch(inst, { event: 'adopt', startDead, alive, diedPid, wasStopping, unsaved })
}
