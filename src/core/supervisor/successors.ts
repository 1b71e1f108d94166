import { ReloadFailedError } from '../errors/reload-failed-error.js'
import type { Logger } from '../log/logger.js'
import type { StateStore } from '../store/state-store.js'
import type { Instance } from './instance.js'
import type { EventContext, LifecycleInput } from './lifecycle-input.js'
import { describeExit, formatMs } from './policy.js'
import type { AgentProcess, ProcessProbe, Spawner } from './spawner.js'
import type { StopResult } from './stop-group.js'
import { newSuccessor, type Successor } from './successor.js'
import type { Emit } from './supervisor-events.js'

export interface SuccessorDeps {
  readonly spawner: Spawner
  readonly probe: ProcessProbe
  readonly store: StateStore
  readonly log: Logger
  readonly emit: Emit
  dispatch(inst: Instance, input: LifecycleInput): void
  newToken(): string
}

const NOTHING_TO_STOP: StopResult = { forced: false, survivors: [], denied: false }

/**
 * The process side of a reload, for one instance at a time: spawn the new
 * process next to the old one (spawn-successor), decide when it is online
 * or has failed, and stop the old one once the new one took over
 * (retire-process). What changes the instance itself goes through the
 * transition table: `successor-online` and `successor-failed`.
 *
 * The new process must be online within its `readyTimeout` when the agent
 * has one (it must call ready()), else it is online after `startGrace` (or
 * at once when it calls ready()). Before that, an exit, a spawn failure or
 * the readyTimeout fails the reload of the instance: the new process is
 * stopped, the old one keeps running.
 */
export class Successors {
  constructor(private readonly deps: SuccessorDeps) {}

  /** spawn-successor */
  spawn(inst: Instance): void {
    const r = inst.record
    const s = newSuccessor(this.deps.newToken(), inst.attempt)
    inst.successor = s
    this.deps.spawner.spawn({ ...r, token: s.token }).then(
      (proc) => this.spawned(inst, s, proc),
      (error: Error) => this.fail(inst, s, `its new process could not start (${r.spec.command}: ${error.message})`),
    )
  }

  /** The new process signalled ready (its connection said hello with its token). */
  ready(inst: Instance): boolean {
    const s = inst.successor
    if (!s || s.settled) return false
    if (!s.proc) s.readyEarly = true
    else this.online(inst, s, 'signalled ready')
    return true
  }

  /** Every transition of the instance: one that began a new attempt (a stop, an exit, a restart) ends the reload under way. */
  check(inst: Instance): void {
    const s = inst.successor
    if (s && !s.settled && s.attempt !== inst.attempt) this.fail(inst, s, 'the instance was stopped or restarted during the reload')
  }

  /** Daemon shutdown: the new process keeps running; the next daemon stops it (it is saved as `retiring`). */
  detach(inst: Instance): void {
    const s = inst.successor
    if (!s) return
    clearTimeout(s.timer)
    s.proc?.detach()
  }

  /** retire-process: stops the process the new one replaced; the reload of the instance is over once it is gone. */
  retire(inst: Instance, input: LifecycleInput, ctx: EventContext): void {
    if (input.event !== 'successor-online') return
    const r = inst.record
    const old = ctx.retired
    const s = input.successor
    if (!old) return s.resolve()
    // our child, or a re-adopted process that is still the very one (pid + start time): never whoever has its pid now
    const ours = old.proc !== undefined || this.deps.probe.isSameProcess(old.pid, old.procStart)
    const stopped = ours ? this.deps.spawner.stopGroup(old.pid, r.agent.killSignal, r.agent.killTimeoutMs) : Promise.resolve(NOTHING_TO_STOP)
    void stopped.then((result) => {
      if (r.retiring?.pid === old.pid) {
        r.retiring = null
        this.deps.store.save(r)
      }
      if (result.denied || result.survivors.length > 0) {
        this.deps.log.warn('the process a reload replaced did not stop', { agent: r.id, pid: old.pid, denied: result.denied, survivors: result.survivors })
      }
      const how = result.forced ? `; SIGKILL after ${formatMs(r.agent.killTimeoutMs)}` : ''
      this.deps.emit('retired', { ...r, pid: old.pid }, { code: null, signal: r.agent.killSignal, at: Date.now(), uptimeMs: 0, cause: `replaced by a reload${how}` })
      s.resolve()
    })
  }

  /**
   * A daemon that died in the middle of a reload left two processes for one
   * instance: the record names the one that is the instance's, `retiring`
   * the other (the new one before it took over, the old one after). The
   * next daemon stops that one, if it is still the very process (pid +
   * start time).
   */
  stopRetiring(inst: Instance): void {
    const r = inst.record
    const other = r.retiring
    if (!other) return
    r.retiring = null
    this.deps.store.save(r)
    if (other.pid === r.pid || !this.deps.probe.isSameProcess(other.pid, other.procStart)) return
    this.deps.log.warn('stopping the other process of a reload the previous daemon left', { agent: r.id, pid: other.pid })
    void this.deps.spawner.stopGroup(other.pid, r.agent.killSignal, r.agent.killTimeoutMs)
  }

  private spawned(inst: Instance, s: Successor, proc: AgentProcess): void {
    const r = inst.record
    if (s.settled) {
      // the reload ended while it was being spawned: nobody's process
      proc.detach()
      void this.deps.spawner.stopGroup(proc.pid, r.agent.killSignal, r.agent.killTimeoutMs)
      return
    }
    s.proc = proc
    r.retiring = { pid: proc.pid, procStart: proc.procStart }
    this.deps.store.save(r)
    s.exitTo = (code, signal) => this.fail(inst, s, `its new process (pid ${proc.pid}) ${describeExit({ code, signal, at: 0, uptimeMs: 0 })} before it was online`)
    proc.onExit((code, signal) => s.exitTo(code, signal))
    if (s.readyEarly) return this.online(inst, s, 'signalled ready')
    const { readyTimeoutMs, startGraceMs } = r.agent
    s.timer =
      readyTimeoutMs !== null
        ? setTimeout(() => this.fail(inst, s, `its new process (pid ${proc.pid}) was not ready after ${formatMs(readyTimeoutMs)} (readyTimeout)`), readyTimeoutMs)
        : setTimeout(() => this.online(inst, s, `up for ${formatMs(startGraceMs)}`), startGraceMs)
    s.timer.unref()
  }

  private online(inst: Instance, s: Successor, how: string): void {
    if (s.settled) return
    if (s.attempt !== inst.attempt) return this.fail(inst, s, 'the instance was stopped or restarted during the reload')
    s.settled = true
    clearTimeout(s.timer)
    this.deps.dispatch(inst, { event: 'successor-online', successor: s, how })
    // no row took it (the instance is in no state to hand over): it is not wanted
    if (inst.successor === s) {
      s.settled = false
      this.fail(inst, s, `the instance was ${inst.record.status} when its new process was online`)
    }
  }

  /** The reload of this instance failed: its new process is stopped, the old one keeps running. */
  private fail(inst: Instance, s: Successor, why: string): void {
    if (s.settled) return
    s.settled = true
    clearTimeout(s.timer)
    if (inst.successor === s) inst.successor = undefined
    const r = inst.record
    const proc = s.proc
    const stopped = proc ? this.deps.spawner.stopGroup(proc.pid, r.agent.killSignal, r.agent.killTimeoutMs) : Promise.resolve(NOTHING_TO_STOP)
    void stopped.then(() => {
      if (proc && r.retiring?.pid === proc.pid) {
        r.retiring = null
        this.deps.store.save(r)
      }
      const kept = s.attempt === inst.attempt && r.pid !== null ? `; its old process (pid ${r.pid}) keeps running (see orch logs ${r.id})` : ''
      this.deps.dispatch(inst, { event: 'successor-failed', reason: why })
      this.deps.log.warn('reload failed', { agent: r.id, why })
      s.reject(new ReloadFailedError(`reload of ${r.id} failed: ${why}${kept}`, { agent: r.id, reloaded: [], notReloaded: [] }))
    })
  }
}
