import { randomBytes } from 'node:crypto'
import { EXTERNAL_TYPE } from '../config/defaults.js'
import type { Logger } from '../log/logger.js'
import type { AgentStatus } from '../protocol/types.js'
import type { StateStore } from '../store/state-store.js'
import { factsOf } from './facts.js'
import { EVENTS_KEPT, setInstanceTimer, type Instance } from './instance.js'
import type { EventContext, LifecycleInput } from './lifecycle-input.js'
import { describeExit, formatMs, type ExitInfo } from './policy.js'
import { newAttempt, prepare } from './prepare-effects.js'
import type { ProcessProbe, Spawner } from './spawner.js'
import { Successors } from './successors.js'
import type { Emit } from './supervisor-events.js'
import { isPrepareEffect, transition, type ActEffect, type TransitionResult } from './transitions.js'

/** ORCH_AGENT_TOKEN: 32 random bytes, base64url. */
const TOKEN_BYTES = 32

/** A new secret for every process: an earlier run's token no longer speaks for the instance. */
function newToken(): string {
  return randomBytes(TOKEN_BYTES).toString('base64url')
}

/** What the lifecycle needs of the supervisor that owns it. */
export interface LifecycleHost {
  readonly store: StateStore
  readonly log: Logger
  readonly spawner: Spawner
  readonly probe: ProcessProbe
  readonly emit: Emit
  ofAgent(name: string): Instance[]
  setDesired(inst: Instance, desired: 'running' | 'stopped'): void
  start(inst: Instance, reason: string, fresh: boolean): boolean
  stop(inst: Instance, reason: string, keepDesired: boolean): Promise<void>
  waitFor(inst: Instance, ok: (s: AgentStatus) => boolean): Promise<void>
  /** `name` changed state: instances waiting for it look again (all of them when omitted) */
  dependencyChanged(name?: string): void
}

function exitNow(r: Instance['record'], extra: Partial<ExitInfo> = {}): ExitInfo {
  const at = Date.now()
  return { code: null, signal: null, at, uptimeMs: at - (r.startedAt ?? at), ...extra }
}

/**
 * Runs the transition table for each instance: computes the facts of an
 * event, looks up the row, runs its effects. The only writer of an
 * instance's status.
 */
export class Lifecycle {
  /** the process side of reloads */
  readonly successors: Successors

  constructor(private readonly host: LifecycleHost) {
    this.successors = new Successors({ ...host, dispatch: (inst, input) => this.dispatch(inst, input), newToken })
  }

  /** Feeds an event to an instance: the table decides, the effects follow. */
  dispatch(inst: Instance, input: LifecycleInput): TransitionResult {
    const { facts, ctx } = factsOf(inst, input, (name) => this.host.ofAgent(name))
    const result = transition(inst.record.status, input.event, facts)
    const deps = { spawner: this.host.spawner, emit: this.host.emit, onExit: this.onExit }
    for (const e of result.effects) if (isPrepareEffect(e)) prepare(e, inst, input, ctx, deps)
    if (result.to !== null) this.record(inst, result.to, ctx.reason)
    for (const e of result.effects) if (!isPrepareEffect(e)) this.act(e, inst, input, ctx)
    return result
  }

  /**
   * What comes back for an attempt (a timer, an exit, a spawn, a stop) is
   * void unless that attempt is still the current one: the one place where
   * stale callbacks are told apart. A process spawned for a void attempt is
   * nobody's: it is stopped at once.
   */
  private fire(inst: Instance, attempt: number, input: LifecycleInput): void {
    if (attempt === inst.attempt) {
      this.dispatch(inst, input)
      return
    }
    if (input.event === 'spawned') {
      input.proc.detach()
      void this.host.spawner.stopGroup(input.proc.pid, inst.record.agent.killSignal, inst.record.agent.killTimeoutMs)
    }
  }

  private readonly onExit = (inst: Instance, attempt: number, code: number | null, signal: string | null): void => {
    this.fire(inst, attempt, { event: 'exit', exit: exitNow(inst.record, { code, signal }) })
  }

  private record(inst: Instance, to: AgentStatus, reason: string): void {
    const r = inst.record
    const from = r.status
    r.status = to
    r.events.push({ at: Date.now(), from, to, reason })
    if (r.events.length > EVENTS_KEPT) r.events.splice(0, r.events.length - EVENTS_KEPT)
    this.host.store.save(r)
    this.host.log.info('agent state', { agent: r.id, from, to, reason, agentPid: r.pid })
    this.host.emit('state', r, from, to, reason)
    this.host.dependencyChanged(r.name)
    this.successors.check(inst)
  }

  /** The effects that reach outside the instance, after the transition is recorded. */
  private act(effect: ActEffect, inst: Instance, input: LifecycleInput, ctx: EventContext): void {
    const r = inst.record
    switch (effect) {
      case 'spawn':
        return this.spawn(inst, this.launchReason(inst, input))
      case 'arm-start-timer':
        return this.armStartTimer(inst)
      case 'emit-spawned':
        return this.host.emit('spawned', r)
      case 'kill-for-restart':
        return this.killForRestart(inst, input.event === 'memory-over-limit' ? input.cause : `not ready after ${formatMs(r.agent.readyTimeoutMs ?? 0)} (readyTimeout)`)
      case 'renew-token':
        // spawned by an orch without agent tokens: it could never connect again, so it gets a fresh start (and a token)
        if (!r.token && r.agent.type !== EXTERNAL_TYPE) this.killForRestart(inst, 'it has no agent token (started by an older orch); restarted so that it can connect')
        return
      case 'schedule-restart': {
        const attempt = inst.attempt
        const exit = ctx.exit ?? exitNow(r)
        const delay = ctx.decision?.action === 'restart' ? ctx.decision.delayMs : 0
        return setInstanceTimer(inst, delay, () => this.fire(inst, attempt, { event: 'backoff-elapsed', exit }))
      }
      case 'desire-stopped':
        return this.host.setDesired(inst, 'stopped')
      case 'signal-group':
        return this.signalGroup(inst, input.event === 'stop' ? input.reason : ctx.reason)
      case 'emit-exited':
        if (input.event !== 'stop-finished') return
        return this.host.emit('exited', { ...r, pid: input.pid }, { code: null, signal: r.agent.killSignal, at: Date.now(), uptimeMs: 0, cause: input.reason })
      case 'start-after-stop': {
        if (input.event !== 'start') return
        // once the stop under way is over, unless someone stopped it for good meanwhile
        void this.host.waitFor(inst, (s) => s !== 'stopping').then(() => {
          if (r.desired === 'running') this.host.start(inst, input.reason, input.fresh)
        })
        return
      }
      case 'wait-for-stop':
        return // the caller of stop() waits for the state event
      case 'treat-as-exit':
        return this.treatAsExit(inst, input)
      case 'finish-stop':
        // it had been told to stop (a user stop, or a restart under way): finish that, then start it again if wanted
        void this.host.stop(inst, 'was stopping when the previous daemon ended', true).then(() => {
          if (r.desired === 'running') this.host.start(inst, 'restarted by a new daemon', true)
        })
        return
      case 'start-again':
        this.host.start(inst, 'started by a new daemon', false)
        return
      case 'spawn-successor':
        return this.successors.spawn(inst)
      case 'retire-process':
        return this.successors.retire(inst, input, ctx)
      default:
        effect satisfies never
    }
  }

  private launchReason(inst: Instance, input: LifecycleInput): string {
    if (input.event === 'start') return input.reason
    if (input.event === 'backoff-elapsed') return `restart after ${describeExit(input.exit)}`
    return `${(inst.waitingFor ?? []).join(', ')} online`
  }

  private spawn(inst: Instance, reason: string): void {
    const r = inst.record
    const attempt = newAttempt(inst)
    inst.pendingCause = undefined
    inst.memoryStrikes = 0
    inst.waitingFor = undefined
    inst.launchReason = reason
    inst.spawning = true
    r.token = newToken()
    this.host.spawner.spawn(r).then(
      (proc) => this.fire(inst, attempt, { event: 'spawned', proc }),
      (error: Error) => this.fire(inst, attempt, { event: 'spawn-failed', error }),
    )
  }

  /** `starting` ends with `online` after the start grace, or, with a readyTimeout, with a restart if ready never comes. */
  private armStartTimer(inst: Instance): void {
    const { readyTimeoutMs, startGraceMs } = inst.record.agent
    const attempt = inst.attempt
    if (readyTimeoutMs !== null) setInstanceTimer(inst, readyTimeoutMs, () => this.fire(inst, attempt, { event: 'ready-timeout' }))
    else setInstanceTimer(inst, startGraceMs, () => this.fire(inst, attempt, { event: 'grace-elapsed' }))
  }

  /** Our child, or a re-adopted process that is still the very one we started (pid + start time). */
  private isOurs(inst: Instance): boolean {
    const r = inst.record
    return inst.proc !== undefined || (r.pid !== null && this.host.probe.isSameProcess(r.pid, r.procStart))
  }

  /** Kills a running instance so the restart policy handles its exit, with `cause` as the reason. */
  private killForRestart(inst: Instance, cause: string): void {
    const r = inst.record
    if (r.pid === null || inst.pendingCause) return
    inst.pendingCause = cause
    this.host.log.warn('killing agent', { agent: r.id, pid: r.pid, cause })
    const attempt = inst.attempt
    // A re-adopted agent that died since the last sample: never signal whoever has its pid now.
    if (!this.isOurs(inst)) return this.fire(inst, attempt, { event: 'exit', exit: exitNow(r) })
    void this.host.spawner.stopGroup(r.pid, r.agent.killSignal, r.agent.killTimeoutMs).then(() => {
      // A re-adopted agent is not our child: no exit event will come.
      if (!inst.proc) this.fire(inst, attempt, { event: 'exit', exit: exitNow(r, { signal: r.agent.killSignal }) })
    })
  }

  private signalGroup(inst: Instance, reason: string): void {
    const r = inst.record
    const pid = r.pid
    if (pid === null) return
    const attempt = inst.attempt
    // A re-adopted agent that already died: its pid may be someone else's now, so no signal.
    const stopped = this.isOurs(inst)
      ? this.host.spawner.stopGroup(pid, r.agent.killSignal, r.agent.killTimeoutMs)
      : Promise.resolve({ forced: false, survivors: [], denied: false })
    void stopped.then((result) => this.fire(inst, attempt, { event: 'stop-finished', pid, reason, result }))
  }

  private treatAsExit(inst: Instance, input: LifecycleInput): void {
    const r = inst.record
    if (input.event === 'spawn-failed') {
      r.pid = null
      this.dispatch(inst, { event: 'exit', exit: exitNow(r, { uptimeMs: 0, cause: `cannot start ${r.spec.command}: ${input.error.message}` }) })
    } else if (input.event === 'adopt') {
      r.pid = input.diedPid
      this.dispatch(inst, { event: 'exit', exit: exitNow(r, { cause: 'died while no daemon was running' }) })
    }
  }
}
