import type { Instance } from './instance.js'
import type { Lifecycle } from './lifecycle.js'
import type { ProcessProbe } from './spawner.js'

/**
 * A new daemon takes over an instance the previous one left: live ones
 * (same pid and same process start time) are adopted without a restart;
 * ones that died while no daemon ran go through the restart policy
 * (the `adopt` rows of the transition table).
 */
export function adoptInstance(lifecycle: Lifecycle, probe: ProcessProbe, inst: Instance, startDead: boolean): void {
  const r = inst.record
  // The previous daemon's timers and stops died with it.
  const wasStopping = r.status === 'stopping'
  if (wasStopping || r.status === 'backoff') r.status = 'stopped'
  const alive = r.pid !== null && probe.isSameProcess(r.pid, r.procStart)
  const diedPid = alive ? null : r.pid
  if (!alive) {
    r.pid = null
    r.procStart = null
  }
  lifecycle.dispatch(inst, { event: 'adopt', startDead, alive, diedPid, wasStopping })
}
