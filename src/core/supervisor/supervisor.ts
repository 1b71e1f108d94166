import { randomBytes } from 'node:crypto'
import { EventEmitter } from 'node:events'
import { EXTERNAL_TYPE } from '../config/defaults.js'
import type { ResolvedAgent } from '../config/types.js'
import type { Logger } from '../log/logger.js'
import type { OrchPaths } from '../paths.js'
import type { AgentStatus } from '../protocol/types.js'
import type { InstanceRecord } from '../store/instance-record.js'
import type { StateStore } from '../store/state-store.js'
import { clearTimers, EVENTS_KEPT, newInstance, setInstanceTimer, type Instance } from './instance.js'
import { decideRestart, describeExit, formatMs, type ExitInfo } from './policy.js'
import { isSameProcess, procStartTime } from './proc.js'
import { spawnAgent } from './spawn-agent.js'
import { stopGroup } from './stop-group.js'
import { signalGroup } from './group-waiter.js'

/**
 * Children a dead agent left in its group would be duplicated by the restart.
 * The kernel never hands out a pid that is still some group's id, so when no
 * process has the leader's pid, whatever is left in that group is ours. When
 * another process has the pid now, it is not ours: leave it alone.
 */
function killLeftovers(pgid: number): void {
  if (procStartTime(pgid) === null) signalGroup(pgid, 'SIGKILL')
}

/** ORCH_AGENT_TOKEN: 32 random bytes, base64url. */
const TOKEN_BYTES = 32

export interface SupervisorEvents {
  /** every transition, with its reason */
  state: (r: InstanceRecord, from: AgentStatus | null, to: AgentStatus, reason: string) => void
  /** a process was spawned */
  spawned: (r: InstanceRecord) => void
  /** a process ended (crash, exit, kill); r.pid is the pid that ended */
  exited: (r: InstanceRecord, exit: ExitInfo) => void
  /** the set of agents that should run changed */
  desiredChanged: () => void
}

/**
 * Keeps agent instances in the state their users asked for: spawns them,
 * watches them, applies the restart policy, stops them. Config stays
 * immutable (ResolvedAgent); everything that changes lives in the record.
 */
export class Supervisor {
  private readonly instances = new Map<string, Instance>()
  private readonly emitter = new EventEmitter()
  /** false in a daemon started by `orch kill` after a crash: adoption leaves dead agents stopped */
  private startDead = true

  constructor(
    private readonly paths: OrchPaths,
    private readonly store: StateStore,
    private readonly log: Logger,
  ) {
    this.emitter.setMaxListeners(0)
  }

  on<K extends keyof SupervisorEvents>(event: K, fn: SupervisorEvents[K]): this {
    this.emitter.on(event, fn)
    return this
  }

  private emit<K extends keyof SupervisorEvents>(event: K, ...args: Parameters<SupervisorEvents[K]>): void {
    try {
      this.emitter.emit(event, ...args)
    } catch (err) {
      this.log.error('supervisor listener failed', { event, err })
    }
  }

  all(): Instance[] {
    return [...this.instances.values()]
  }

  get(id: string): Instance | undefined {
    return this.instances.get(id)
  }

  /** Instances of one agent name, in instance order. */
  ofAgent(name: string): Instance[] {
    return this.all().filter((i) => i.record.name === name).sort((a, b) => a.record.index - b.record.index)
  }

  agentNames(): string[] {
    return [...new Set(this.all().map((i) => i.record.name))]
  }

  // ---- state transitions -------------------------------------------------

  private transition(inst: Instance, to: AgentStatus, reason: string): void {
    const r = inst.record
    const from = r.status
    r.status = to
    r.events.push({ at: Date.now(), from, to, reason })
    if (r.events.length > EVENTS_KEPT) r.events.splice(0, r.events.length - EVENTS_KEPT)
    this.store.save(r)
    this.log.info('agent state', { agent: r.id, from, to, reason, agentPid: r.pid })
    this.emit('state', r, from, to, reason)
    this.startWaiters(r.name)
  }

  private setDesired(inst: Instance, desired: 'running' | 'stopped'): void {
    if (inst.record.desired === desired) return
    inst.record.desired = desired
    this.store.save(inst.record)
    this.emit('desiredChanged')
  }

  // ---- adding and removing ------------------------------------------------

  /** Adds a new instance (status stopped) or replaces the definition of an existing one. */
  upsert(record: InstanceRecord): Instance {
    const existing = this.instances.get(record.id)
    if (existing) {
      existing.record.agent = record.agent
      existing.record.spec = record.spec
      existing.record.configPath = record.configPath
      this.store.save(existing.record)
      return existing
    }
    const inst = newInstance(record)
    this.instances.set(record.id, inst)
    this.store.save(record)
    return inst
  }

  async remove(inst: Instance): Promise<void> {
    await this.stop(inst, 'deleted')
    clearTimers(inst)
    this.instances.delete(inst.record.id)
    this.store.remove(inst.record.id)
    this.emit('desiredChanged')
    // Agents that waited for this one wait no more.
    this.startWaiters()
  }

  // ---- starting -----------------------------------------------------------

  /** Starts an instance unless it already runs. `fresh` starts a new restart budget. */
  start(inst: Instance, reason: string, fresh = true): boolean {
    const r = inst.record
    // Deleted meanwhile (a start that lands after an `orch delete`): nothing to start.
    if (this.instances.get(r.id) !== inst) return false
    this.setDesired(inst, 'running')
    if (r.agent.type === EXTERNAL_TYPE) return this.showExternal(inst, reason)
    if (r.status === 'stopping') {
      // Start once the stop under way is over, unless someone stopped it for good meanwhile.
      void this.waitFor(inst, (st) => st !== 'stopping').then(() => {
        if (r.desired === 'running') this.start(inst, reason, fresh)
      })
      return true
    }
    if (r.pid !== null || (r.status === 'backoff' && inst.timers.size > 0)) return false
    if (r.status === 'starting' && inst.waitingFor) return false
    if (fresh) r.history = { restarts: [], consecutive: 0 }
    clearTimers(inst)
    const waiting = this.unmetDependencies(r.agent)
    if (waiting.length > 0) {
      inst.waitingFor = waiting
      this.transition(inst, 'starting', this.waitReason(waiting))
      return true
    }
    inst.waitingFor = undefined
    void this.launch(inst, reason)
    return true
  }

  private unmetDependencies(agent: ResolvedAgent): string[] {
    return agent.dependsOn.filter((dep) => {
      const insts = this.ofAgent(dep)
      return insts.length > 0 && !insts.every((i) => i.record.status === 'online')
    })
  }

  /**
   * `waiting for db (errored), cache (starting, backoff)`: what each unmet
   * dependency's instances are doing, so a wait that cannot end by itself
   * (an errored or stopped dependency) says so.
   */
  private waitReason(deps: string[]): string {
    const states = deps.map((dep) => {
      const pending = this.ofAgent(dep)
        .filter((i) => i.record.status !== 'online')
        // asked to run and not spawned yet (the spawn is under way): starting, not a stop that needs a hand
        .map((i) => (i.record.status === 'stopped' && i.record.desired === 'running' ? 'starting' : i.record.status))
      return `${dep} (${[...new Set(pending)].join(', ')})`
    })
    return `waiting for ${states.join(', ')}`
  }

  /**
   * After `changed` (an agent name; every agent when omitted) changed state:
   * instances waiting for it start once nothing they depend on is pending,
   * or else show what they wait for now.
   */
  private startWaiters(changed?: string): void {
    for (const inst of this.instances.values()) {
      if (!inst.waitingFor || inst.record.desired !== 'running') continue
      if (changed !== undefined && !inst.record.agent.dependsOn.includes(changed)) continue
      const waiting = this.unmetDependencies(inst.record.agent)
      if (waiting.length === 0) {
        const deps = inst.waitingFor.join(', ')
        inst.waitingFor = undefined
        void this.launch(inst, `${deps} online`)
        continue
      }
      inst.waitingFor = waiting
      const reason = this.waitReason(waiting)
      // a starting → starting event, only when what it waits for changed: the reason is what `orch describe` shows
      if (inst.record.events.at(-1)?.reason !== reason) this.transition(inst, 'starting', reason)
    }
  }

  private async launch(inst: Instance, reason: string): Promise<void> {
    const r = inst.record
    const gen = ++inst.generation
    inst.pendingCause = undefined
    inst.memoryStrikes = 0
    // a new secret for every process: an earlier run's token no longer speaks for this instance
    r.token = randomBytes(TOKEN_BYTES).toString('base64url')
    let spawned
    try {
      spawned = await spawnAgent(r, this.paths)
    } catch (err) {
      if (gen !== inst.generation) return
      r.pid = null
      this.transition(inst, 'starting', reason)
      this.handleExit(inst, { code: null, signal: null, at: Date.now(), uptimeMs: 0, cause: `cannot start ${r.spec.command}: ${(err as Error).message}` })
      return
    }
    if (gen !== inst.generation) return
    inst.child = spawned.child
    r.pid = spawned.pid
    r.procStart = spawned.procStart
    r.startedAt = Date.now()
    inst.usage = []
    this.transition(inst, 'starting', reason)
    this.emit('spawned', r)
    const pid = spawned.pid
    spawned.child.once('exit', (code, signal) => {
      if (gen !== inst.generation || r.pid !== pid) return
      inst.child = undefined
      this.handleExit(inst, { code, signal, at: Date.now(), uptimeMs: Date.now() - (r.startedAt ?? Date.now()) })
    })
    this.armStartTimers(inst)
  }

  /** `starting` ends with `online` after the start grace, or, with a readyTimeout, with a restart if ready never comes. */
  private armStartTimers(inst: Instance): void {
    const r = inst.record
    const gen = inst.generation
    const pid = r.pid
    const readyTimeout = r.agent.readyTimeoutMs
    if (readyTimeout !== null) {
      setInstanceTimer(inst, readyTimeout, () => {
        if (gen === inst.generation && r.status === 'starting' && r.pid === pid) {
          this.killForRestart(inst, `not ready after ${formatMs(readyTimeout)} (readyTimeout)`)
        }
      })
    } else {
      setInstanceTimer(inst, r.agent.startGraceMs, () => {
        if (gen === inst.generation && r.status === 'starting' && r.pid === pid) {
          this.transition(inst, 'online', `up for ${formatMs(r.agent.startGraceMs)}`)
        }
      })
    }
  }

  // ---- external agents: not spawned, online while connected -------------

  /** An external agent shows `online` while one of its connections is open, else `starting`. */
  private showExternal(inst: Instance, reason: string): boolean {
    const to = inst.peers > 0 ? 'online' : 'starting'
    if (inst.record.status === to) return false
    this.transition(inst, to, to === 'online' ? reason : `${reason}; waiting for it to connect (external agent)`)
    return true
  }

  /** An external agent said hello (`pid` as it said). */
  externalConnected(inst: Instance, pid: number | undefined): void {
    inst.peers++
    inst.peerPid = pid
    if (inst.peers === 1) inst.record.startedAt = Date.now()
    if (inst.record.desired === 'running') this.showExternal(inst, pid ? `connected (pid ${pid})` : 'connected')
  }

  externalDisconnected(inst: Instance): void {
    inst.peers = Math.max(0, inst.peers - 1)
    if (inst.peers > 0) return
    inst.peerPid = undefined
    inst.record.startedAt = null
    if (inst.record.desired === 'running' && this.instances.get(inst.record.id) === inst) this.showExternal(inst, 'disconnected')
  }

  /** The agent signalled ready through the SDK. */
  markReady(id: string): boolean {
    const inst = this.instances.get(id)
    if (!inst || inst.record.status !== 'starting' || inst.record.pid === null) return false
    this.transition(inst, 'online', 'signalled ready')
    return true
  }

  /** Kills a running instance so the restart policy handles it, with `cause` as the reason. */
  killForRestart(inst: Instance, cause: string): void {
    const r = inst.record
    if (r.pid === null || inst.pendingCause) return
    inst.pendingCause = cause
    this.log.warn('killing agent', { agent: r.id, pid: r.pid, cause })
    const pid = r.pid
    const gen = inst.generation
    if (!this.isOurs(inst)) {
      // A re-adopted agent that died since the last sample: never signal whoever has its pid now.
      this.handleExit(inst, { code: null, signal: null, at: Date.now(), uptimeMs: Date.now() - (r.startedAt ?? Date.now()) })
      return
    }
    void stopGroup(pid, r.agent.killSignal, r.agent.killTimeoutMs).then(() => {
      // A re-adopted agent is not our child: no exit event will come.
      if (gen === inst.generation && r.pid === pid && !inst.child) {
        this.handleExit(inst, { code: null, signal: r.agent.killSignal, at: Date.now(), uptimeMs: Date.now() - (r.startedAt ?? Date.now()) })
      }
    })
  }

  // ---- exits and the restart policy --------------------------------------

  private handleExit(inst: Instance, exit: ExitInfo): void {
    const r = inst.record
    if (r.status === 'stopping') return // stop() owns this exit
    if (inst.pendingCause) exit = { ...exit, cause: inst.pendingCause }
    inst.pendingCause = undefined
    clearTimers(inst)
    const deadPid = r.pid
    // whatever the dead process left behind (a child that inherited the environment) no longer speaks for the instance
    r.token = null
    if (deadPid !== null) {
      killLeftovers(deadPid)
      this.emit('exited', r, exit)
    }
    r.pid = null
    r.procStart = null
    inst.child = undefined
    inst.generation++
    const decision = decideRestart(r.agent, r.history, exit)
    if (decision.action === 'restart') {
      r.history = decision.history
      r.restarts++
      this.transition(inst, 'backoff', decision.reason)
      setInstanceTimer(inst, decision.delayMs, () => {
        if (r.status === 'backoff' && r.desired === 'running') void this.launch(inst, `restart after ${describeExit(exit)}`)
      })
    } else if (decision.action === 'stop') {
      this.transition(inst, 'stopped', decision.reason)
      this.setDesired(inst, 'stopped')
    } else {
      this.transition(inst, 'errored', decision.reason)
    }
  }

  // ---- stopping -----------------------------------------------------------

  /** Stops an instance and its whole process group; resolves when nothing of it is left. */
  async stop(inst: Instance, reason: string, keepDesired = false): Promise<void> {
    const r = inst.record
    if (!keepDesired) this.setDesired(inst, 'stopped')
    clearTimers(inst)
    inst.waitingFor = undefined
    if (r.pid === null) {
      inst.generation++
      if (r.status !== 'stopped' && r.status !== 'errored') this.transition(inst, 'stopped', reason)
      return
    }
    if (r.status === 'stopping') {
      await this.waitFor(inst, (s) => s !== 'stopping')
      return
    }
    const pid = r.pid
    const ours = this.isOurs(inst)
    this.transition(inst, 'stopping', reason)
    // A re-adopted agent that already died: its pid may be someone else's now, so no signal.
    const { forced, survivors, denied } = ours
      ? await stopGroup(pid, r.agent.killSignal, r.agent.killTimeoutMs)
      : { forced: false, survivors: [], denied: false }
    inst.generation++
    inst.child = undefined
    r.pid = null
    r.procStart = null
    r.token = null
    if (denied) {
      this.transition(inst, 'errored', `cannot signal process group ${pid} (permission denied): it may still run`)
    } else if (survivors.length > 0) {
      this.transition(inst, 'errored', `processes ${survivors.join(', ')} of the group survived SIGKILL`)
    } else {
      const how = forced ? `; SIGKILL after ${formatMs(r.agent.killTimeoutMs)} (${r.agent.killSignal} ignored)` : ''
      this.emit('exited', { ...r, pid }, { code: null, signal: r.agent.killSignal, at: Date.now(), uptimeMs: 0, cause: reason })
      this.transition(inst, 'stopped', `${reason}${how}`)
    }
  }

  /** Our child, or a re-adopted process that is still the very one we started (pid + start time). */
  private isOurs(inst: Instance): boolean {
    const r = inst.record
    return inst.child !== undefined || (r.pid !== null && isSameProcess(r.pid, r.procStart))
  }

  private waitFor(inst: Instance, ok: (s: AgentStatus) => boolean): Promise<void> {
    return new Promise((resolve) => {
      const check = (r: InstanceRecord): void => {
        if (r.id === inst.record.id && ok(r.status)) {
          this.emitter.off('state', check)
          resolve()
        }
      }
      this.emitter.on('state', check)
    })
  }

  // ---- daemon restarts: re-adoption --------------------------------------

  /**
   * Takes over the instances a previous daemon left: live ones (same pid and
   * same process start time) are adopted without a restart; ones that died
   * while no daemon ran go through the restart policy.
   */
  adopt(records: InstanceRecord[], opts: { startDead?: boolean } = {}): void {
    this.startDead = opts.startDead ?? true
    // All of them first, so `dependsOn` sees every agent before anything starts.
    const adopted = records.map((record) => {
      const inst = newInstance(record)
      this.instances.set(record.id, inst)
      return inst
    })
    for (const inst of adopted) this.adoptOne(inst)
  }

  private adoptOne(inst: Instance): void {
    const r = inst.record
    // The previous daemon's timers and stops died with it.
    const wasStopping = r.status === 'stopping'
    if (wasStopping || r.status === 'backoff') r.status = 'stopped'
    const alive = r.pid !== null && isSameProcess(r.pid, r.procStart)
    if (alive && r.desired === 'running' && !wasStopping) {
      const online = r.status === 'online'
      this.transition(inst, online ? 'online' : 'starting', `re-adopted pid ${r.pid} by daemon ${process.pid}`)
      if (!online) this.armStartTimers(inst)
      // spawned by an orch without agent tokens: it could never connect again, so it gets a fresh start (and a token)
      if (!r.token && r.agent.type !== EXTERNAL_TYPE) this.killForRestart(inst, 'it has no agent token (started by an older orch); restarted so that it can connect')
      return
    }
    if (alive) {
      // It had been told to stop (a user stop, or a restart under way): finish that, then start it again if wanted.
      void this.stop(inst, 'was stopping when the previous daemon ended', true).then(() => {
        if (r.desired === 'running') this.start(inst, 'restarted by a new daemon')
      })
      return
    }
    const diedPid = r.pid
    r.pid = null
    r.procStart = null
    if (r.desired !== 'running' || r.status === 'errored') {
      if (r.status !== 'stopped' && r.status !== 'errored') this.transition(inst, 'stopped', 'found stopped by a new daemon')
      return
    }
    if (!this.startDead) {
      // a daemon started only to stop what the last one left (`orch kill`): nothing dead is started
      if (r.status !== 'stopped') this.transition(inst, 'stopped', 'found dead by a daemon started to stop the agents')
      return
    }
    if (diedPid === null || wasStopping) {
      this.start(inst, 'started by a new daemon', false)
      return
    }
    r.pid = diedPid
    this.handleExit(inst, { code: null, signal: null, at: Date.now(), uptimeMs: Date.now() - (r.startedAt ?? Date.now()), cause: 'died while no daemon was running' })
  }

  /**
   * Notices the death of agents that are not our children (re-adopted ones),
   * by pid + start time. Called by the monitor at every sample, with the
   * instances whose sample failed as `suspects` (all of them when omitted).
   */
  checkAdopted(suspects?: ReadonlySet<string>): void {
    for (const inst of this.instances.values()) {
      const r = inst.record
      if (inst.child || r.pid === null || r.status === 'stopping') continue
      if (suspects && !suspects.has(r.id)) continue
      if (!isSameProcess(r.pid, r.procStart)) {
        this.handleExit(inst, { code: null, signal: null, at: Date.now(), uptimeMs: Date.now() - (r.startedAt ?? Date.now()) })
      }
    }
  }

  /** Stops every timer (daemon shutdown); agents keep running. */
  detachAll(): void {
    for (const inst of this.instances.values()) {
      clearTimers(inst)
      inst.child?.removeAllListeners('exit')
    }
  }
}
