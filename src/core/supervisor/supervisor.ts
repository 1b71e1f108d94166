import { EventEmitter } from 'node:events'
import { EXTERNAL_TYPE } from '../config/defaults.js'
import { ReloadFailedError } from '../errors/reload-failed-error.js'
import type { Logger } from '../log/logger.js'
import type { AgentStatus, UsageSample } from '../protocol/types.js'
import type { InstanceRecord } from '../store/instance-record.js'
import type { StateStore } from '../store/state-store.js'
import { adoptInstance } from './adoption.js'
import { clearTimers, newInstance, type Instance, type InstanceView } from './instance.js'
import { Lifecycle, type LifecycleHost } from './lifecycle.js'
import type { AgentLeader } from './proc.js'
import type { ProcessProbe, Spawner } from './spawner.js'
import type { Emit, SupervisorEvents } from './supervisor-events.js'
import { dependencyLayers } from './targets.js'
import { recordUsage } from './usage.js'

export type { SupervisorEvents }

export interface SupervisorDeps {
  store: StateStore
  log: Logger
  spawner: Spawner
  probe: ProcessProbe
}

/**
 * Keeps agent instances in the state their users asked for, and is the only
 * writer of that state: handlers, the monitor and the daemon read instances
 * (InstanceView) and ask through these methods. Config stays immutable
 * (ResolvedAgent); everything that changes lives in the record. The state
 * machine itself is the table in transition-table.ts, run by Lifecycle.
 */
export class Supervisor {
  private readonly instances = new Map<string, Instance>()
  private readonly emitter = new EventEmitter()
  private readonly lifecycle: Lifecycle
  private readonly store: StateStore
  private readonly log: Logger
  private readonly probe: ProcessProbe

  constructor(deps: SupervisorDeps) {
    this.store = deps.store
    this.log = deps.log
    this.probe = deps.probe
    this.emitter.setMaxListeners(0)
    const host: LifecycleHost = {
      ...deps,
      emit: this.emit,
      ofAgent: (name) => this.instancesOf(name),
      setDesired: (inst, desired) => this.setDesired(inst, desired),
      start: (inst, reason, fresh) => this.start(inst, reason, fresh),
      stop: (inst, reason, keepDesired) => this.stop(inst, reason, keepDesired),
      waitFor: (inst, ok) => this.waitFor(inst, ok),
      dependencyChanged: (name) => this.dependencyChanged(name),
    }
    this.lifecycle = new Lifecycle(host)
  }

  on<K extends keyof SupervisorEvents>(event: K, fn: SupervisorEvents[K]): this {
    this.emitter.on(event, fn)
    return this
  }

  private readonly emit: Emit = (event, ...args) => {
    try {
      this.emitter.emit(event, ...args)
    } catch (err) {
      this.log.error('supervisor listener failed', { event, err })
    }
  }

  // ---- reading ------------------------------------------------------------

  all(): InstanceView[] {
    return [...this.instances.values()]
  }

  get(id: string): InstanceView | undefined {
    return this.instances.get(id)
  }

  /** Instances of one agent name, in instance order. */
  ofAgent(name: string): InstanceView[] {
    return this.instancesOf(name)
  }

  agentNames(): string[] {
    return [...new Set(this.all().map((i) => i.record.name))]
  }

  /**
   * Instances that have a process, for the monitor to sample. `child`: ours,
   * so its exit is heard (the others, re-adopted, are only seen gone).
   */
  processes(): Array<{ id: string; pid: number; child: boolean }> {
    const out: Array<{ id: string; pid: number; child: boolean }> = []
    for (const i of this.instances.values()) if (i.record.pid !== null) out.push({ id: i.record.id, pid: i.record.pid, child: i.proc !== undefined })
    return out
  }

  private instancesOf(name: string): Instance[] {
    return [...this.instances.values()].filter((i) => i.record.name === name).sort((a, b) => a.record.index - b.record.index)
  }

  /** The instance behind a view, while it is still defined (a request may land after a delete). */
  private own(view: InstanceView): Instance | undefined {
    const inst = this.instances.get(view.record.id)
    return inst === view ? inst : undefined
  }

  private setDesired(inst: Instance, desired: 'running' | 'stopped'): void {
    if (inst.record.desired === desired) return
    inst.record.desired = desired
    this.store.save(inst.record)
    this.emit('desiredChanged')
  }

  // ---- adding and removing ------------------------------------------------

  /** Adds a new instance (status stopped) or replaces the definition of an existing one. */
  upsert(record: InstanceRecord): InstanceView {
    const existing = this.instances.get(record.id)
    if (existing) {
      existing.record.agent = record.agent
      existing.record.spec = record.spec
      existing.record.configPath = record.configPath
      existing.record.shellEnv = record.shellEnv
      this.store.save(existing.record)
      return existing
    }
    const inst = newInstance(record)
    this.instances.set(record.id, inst)
    this.store.save(record)
    return inst
  }

  async remove(view: InstanceView): Promise<void> {
    const inst = this.own(view)
    if (!inst) return
    await this.stop(inst, 'deleted')
    clearTimers(inst)
    this.instances.delete(inst.record.id)
    this.store.remove(inst.record.id)
    this.emit('desiredChanged')
    // Agents that waited for this one wait no more.
    this.dependencyChanged()
  }

  // ---- starting and stopping -----------------------------------------------

  /** Starts an instance unless it already runs; true when that changed something. `fresh` starts a new restart budget. */
  start(view: InstanceView, reason: string, fresh = true): boolean {
    const inst = this.own(view)
    if (!inst) return false
    this.setDesired(inst, 'running')
    const { to, effects } = this.lifecycle.dispatch(inst, { event: 'start', reason, fresh })
    return to !== null || effects.length > 0
  }

  /** Stops an instance and its whole process group; resolves when nothing of it is left. */
  async stop(view: InstanceView, reason: string, keepDesired = false): Promise<void> {
    const inst = this.own(view)
    if (!inst) return
    if (!keepDesired) this.setDesired(inst, 'stopped')
    this.lifecycle.dispatch(inst, { event: 'stop', reason })
    if (inst.record.status === 'stopping') await this.waitFor(inst, (s) => s !== 'stopping')
  }

  /** Stops instances, dependents before what they depend on. */
  async stopAll(views: InstanceView[], reason: string): Promise<void> {
    for (const layer of dependencyLayers(views).reverse()) {
      await Promise.all(layer.map((inst) => this.stop(inst, reason)))
    }
  }

  /** `orch restart`: stops them (dependents first), then starts each again with a fresh budget, counting a restart. */
  async restart(views: InstanceView[], stopReason: string, startReason: string): Promise<void> {
    await this.stopAll(views, stopReason)
    for (const view of views) {
      const inst = this.own(view)
      if (!inst) continue
      inst.record.restarts++
      this.start(inst, startReason)
    }
  }

  /**
   * `orch reload`: a rolling restart that never leaves an instance without a
   * process. Instance by instance: a new process starts next to the running
   * one, and only once it is online is the old one stopped (successors.ts);
   * then the next instance. The first instance whose new process fails
   * ends the reload with a ReloadFailedError: its old process keeps running,
   * the instances after it are left as they are. An instance with no
   * process is started as `orch start` would; an external agent is left alone.
   * Each instance reloaded counts one restart, with a fresh budget.
   */
  async reload(views: InstanceView[], reason: string): Promise<void> {
    const done: string[] = []
    for (const [i, view] of views.entries()) {
      const inst = this.own(view)
      if (!inst) continue
      try {
        await this.reloadOne(inst, reason)
      } catch (err) {
        if (!(err instanceof ReloadFailedError)) throw err
        throw err.within(done, views.slice(i + 1).map((v) => v.record.id))
      }
      done.push(inst.record.id)
    }
  }

  private async reloadOne(inst: Instance, reason: string): Promise<void> {
    const r = inst.record
    if (inst.successor) throw new ReloadFailedError(`a reload of ${r.id} is already under way`, { agent: r.id, reloaded: [], notReloaded: [] })
    if (r.agent.type === EXTERNAL_TYPE) return
    this.setDesired(inst, 'running')
    this.lifecycle.dispatch(inst, { event: 'reload', reason })
    // the dispatch sets it when the instance has a process to replace
    const s = inst.successor as Instance['successor']
    if (s) return s.done
    // no process to replace (stopped, errored, waiting, or a restart pending): started as `orch start` would
    if (this.start(inst, `${reason} (it was not running)`)) {
      r.restarts++
      this.store.save(r)
    }
  }

  /** The agent signalled ready through the SDK; `token`, the one its connection said hello with, tells a reload's new process from the old one. */
  markReady(id: string, token?: string | null): boolean {
    const inst = this.instances.get(id)
    if (!inst) return false
    if (inst.successor && token === inst.successor.token) return this.lifecycle.successors.ready(inst)
    return this.lifecycle.dispatch(inst, { event: 'ready' }).to !== null
  }

  // ---- external agents: not spawned, online while connected -----------------

  /** An external agent said hello (`pid` as it said). */
  externalConnected(view: InstanceView, pid: number | undefined): void {
    const inst = this.own(view)
    if (!inst) return
    inst.peers++
    inst.peerPid = pid
    if (inst.peers === 1) inst.record.startedAt = Date.now()
    if (inst.record.desired === 'running') this.lifecycle.dispatch(inst, { event: 'connected', reason: pid ? `connected (pid ${pid})` : 'connected' })
  }

  /** One of its connections closed; the last one makes it `starting` again. A deleted instance has nothing left to show. */
  externalDisconnected(view: InstanceView): void {
    const inst = this.own(view)
    if (!inst) return
    inst.peers = Math.max(0, inst.peers - 1)
    if (inst.peers > 0) return
    inst.peerPid = undefined
    inst.record.startedAt = null
    if (inst.record.desired === 'running') this.lifecycle.dispatch(inst, { event: 'disconnected' })
  }

  // ---- what the monitor reports -----------------------------------------

  /** A usage sample of an instance's process; the supervisor decides what `maxMemory` makes of it. */
  reportUsage(id: string, sample: UsageSample): void {
    const inst = this.instances.get(id)
    if (!inst || inst.record.pid === null) return
    const cause = recordUsage(inst, sample)
    if (cause) this.lifecycle.dispatch(inst, { event: 'memory-over-limit', cause })
  }

  /**
   * Notices the death of agents that are not our children (re-adopted ones),
   * by pid + start time. The monitor calls it at every sample, with the
   * instances whose sample failed as `suspects` (all of them when omitted).
   */
  reportMissing(suspects?: ReadonlySet<string>): void {
    for (const inst of this.instances.values()) {
      const r = inst.record
      if (inst.proc || r.pid === null || r.status === 'stopping') continue
      if (suspects && !suspects.has(r.id)) continue
      if (!this.probe.isSameProcess(r.pid, r.procStart)) {
        const at = Date.now()
        this.lifecycle.dispatch(inst, { event: 'pid-reused', exit: { code: null, signal: null, at, uptimeMs: at - (r.startedAt ?? at) } })
      }
    }
  }

  // ---- daemon start and stop ------------------------------------------------

  /** Takes over the instances a previous daemon left (see adoption.ts). `startDead: false` leaves dead agents stopped (`orch kill`). */
  adopt(records: InstanceRecord[], opts: { startDead?: boolean } = {}): void {
    // All of them first, so `dependsOn` sees every agent before anything starts.
    const adopted = records.map((record) => {
      const inst = newInstance(record)
      this.instances.set(record.id, inst)
      return inst
    })
    let leaders: Map<string, AgentLeader[]> | undefined
    // one scan of /proc, and only when some record does not name a live process
    const scan = () => (leaders ??= this.probe.agentLeaders())
    for (const inst of adopted) {
      adoptInstance(this.lifecycle, this.probe, inst, opts.startDead ?? true, scan)
      this.lifecycle.successors.stopRetiring(inst)
    }
  }

  /** Stops every timer (daemon shutdown); agents keep running. */
  detachAll(): void {
    for (const inst of this.instances.values()) {
      clearTimers(inst)
      inst.proc?.detach()
      this.lifecycle.successors.detach(inst)
    }
  }

  /**
   * Resolves once every instance asked to run has left `stopped` (spawned, waiting for
   * its dependencies, or failed), or after `timeoutMs`: what `orch start` shows is then
   * the agents as they start, not as they were before.
   */
  async leftStopped(instances: readonly InstanceView[], timeoutMs: number): Promise<void> {
    const pending = (): boolean => instances.some((i) => i.record.desired === 'running' && i.record.status === 'stopped' && this.instances.get(i.record.id) === i)
    if (!pending()) return
    await new Promise<void>((resolve) => {
      const done = (): void => {
        clearTimeout(timer)
        this.emitter.off('state', check)
        resolve()
      }
      const check = (): void => {
        if (!pending()) done()
      }
      const timer = setTimeout(done, timeoutMs)
      this.emitter.on('state', check)
    })
  }

  // ---- internals ----------------------------------------------------------

  /** After `changed` (an agent name; every agent when omitted) changed state, instances waiting for it look again. */
  private dependencyChanged(changed?: string): void {
    for (const inst of this.instances.values()) {
      if (!inst.waitingFor || inst.record.desired !== 'running') continue
      if (changed !== undefined && !inst.record.agent.dependsOn.includes(changed)) continue
      this.lifecycle.dispatch(inst, { event: 'dependency-changed' })
    }
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
}
