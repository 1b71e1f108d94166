import { chmodSync, unlinkSync, writeFileSync } from 'node:fs'
import type { Server } from 'node:net'
import { join } from 'node:path'
import { DEFAULT_MONITOR_INTERVAL_MS } from '../config/defaults.js'
import { createLogger, type Logger } from '../log/logger.js'
import { Monitor } from '../monitor/monitor.js'
import { Observer } from '../observe/observer.js'
import type { OrchPaths } from '../paths.js'
import { BUILTIN_PLUGINS, loadBuiltinPlugin, loadPlugin } from '../plugins/load.js'
import { PluginRegistry } from '../plugins/registry.js'
import type { AgentHookEvent } from '../plugins/types.js'
import { PARAMS_CHECKS } from '../protocol/methods.js'
import type { Message } from '../queue/message.js'
import { NedbQueueStore } from '../queue/nedb-store.js'
import { MessageQueue } from '../queue/queue.js'
import { writeDesiredState } from '../store/desired-state.js'
import type { InstanceRecord } from '../store/instance-record.js'
import { PluginList } from '../store/plugin-list.js'
import { RecoveryLog } from '../store/recovery-log.js'
import { NedbStateStore } from '../store/nedb-state-store.js'
import type { InstanceView } from '../supervisor/instance.js'
import { signalGroup } from '../supervisor/group-waiter.js'
import { ChildProcessSpawner, procProbe } from '../supervisor/process-spawner.js'
import { Supervisor } from '../supervisor/supervisor.js'
import { flushConnections, type Connection } from './connection.js'
import type { DaemonContext } from './context.js'
import { answersLazily, handlers } from './handlers/index.js'
import { prepareHome } from './home.js'
import { checkDesiredState } from './recover-files.js'
import { FileWatcher } from './file-watcher.js'
import { acquireLock, type DaemonLock } from './lock.js'
import { daemonLogLimits } from './daemon-log-limits.js'
import { LogClock } from './log-clock.js'
import { LogRotator } from './log-rotator.js'
import { QueueDurability } from './queue-durability.js'
import { readQueueSettings } from './queue-settings.js'
import { HistoryLog } from '../history/history-log.js'
import type { HistoryBound } from '../history/history-bound.js'
import { rename } from 'node:fs/promises'
import { recordQueueHistory } from '../history/history-recorder.js'
import { HistoryRetention } from './history-retention.js'
import { IdleGc } from './idle-gc.js'
import { TierUp } from './tier-up.js'
import { readHistorySettings } from './history-settings.js'
import { createControlServer } from './server.js'
import { DAEMON_MAIN } from '../package-root.js'
import { ORCH_VERSION } from './version.js'
import { Watchdog } from './watchdog.js'
import { otlpFromEnv, readOtlpSettings } from '../otel/otlp-settings.js'
import { Tracing } from '../otel/tracing.js'
import { takeAdoptOnly } from './adopt-only.js'
import { corruptPath } from '../store/corrupt-path.js'

function queueSettingsFile(paths: OrchPaths): string {
  return join(paths.dataDir, 'queue-settings.json')
}

function otlpSettingsFile(paths: OrchPaths): string {
  return join(paths.dataDir, 'otlp-settings.json')
}

/** ORCH_OTLP_ENDPOINT wins at start (it was given to this daemon); else what the last config set. */
async function startTracing(paths: OrchPaths, queue: MessageQueue, log: Logger, recovery: RecoveryLog): Promise<Tracing> {
  const tracing = new Tracing(queue, log, otlpSettingsFile(paths), ORCH_VERSION)
  const fromEnv = otlpFromEnv(process.env)
  if (fromEnv && 'invalid' in fromEnv) log.warn(`${fromEnv.invalid}; ignored`)
  const remembered = await readOtlpSettings(otlpSettingsFile(paths), recovery)
  tracing.start(fromEnv && !('invalid' in fromEnv) ? fromEnv : (remembered ?? null), remembered)
  return tracing
}

function metricsSettingsFile(paths: OrchPaths): string {
  return join(paths.dataDir, 'metrics-settings.json')
}

function historySettingsFile(paths: OrchPaths): string {
  return join(paths.dataDir, 'history-settings.json')
}

/** The message history never stops the daemon: a file that cannot be opened is moved aside (and noted) for a new one. */
async function openHistory(file: string, bound: HistoryBound, log: Logger, recovery: RecoveryLog): Promise<{ log: HistoryLog; tornBytes: number }> {
  const onError = (err: Error) => log.error('message history write failed; the queue is not affected', { err })
  try {
    return await HistoryLog.open(file, bound, onError)
  } catch (err) {
    const movedTo = corruptPath(file)
    const kept = await rename(file, movedTo).then(
      () => movedTo,
      () => null,
    )
    recovery.note({ file, lines: 0, movedTo: kept, reason: `cannot open the message history (${(err as Error).message}); starting a new one` })
    return HistoryLog.open(file, bound, onError)
  }
}

function hookEvent(r: InstanceRecord): AgentHookEvent {
  return { agent: r.id, name: r.name, instance: r.index, pid: r.pid }
}

/** Everything one daemon owns, and the one shutdown path that closes it. */
export class Daemon {
  private server!: Server
  private connections!: Set<Connection>
  private freezeDesired = false
  private desiredSaveScheduled = false
  private readonly rotator: LogRotator
  private readonly logClock: LogClock
  private readonly watcher: FileWatcher
  private stopping: Promise<void> | null = null
  private watchdog: Watchdog | null = null
  private idleGc: IdleGc | null = null
  private tierUp: TierUp | null = null
  readonly ctx: DaemonContext

  /** The pid of the watchdog that restarts this daemon if it dies (null in the foreground). */
  get watchdogPid(): number | null {
    return this.watchdog?.pid ?? null
  }

  private constructor(
    readonly paths: OrchPaths,
    private readonly lock: DaemonLock,
    readonly log: Logger,
    readonly registry: PluginRegistry,
    private readonly store: NedbStateStore,
    readonly supervisor: Supervisor,
    readonly monitor: Monitor,
    readonly queue: MessageQueue,
    queueDurability: QueueDurability,
    readonly tracing: Tracing,
    readonly observer: Observer,
    readonly history: HistoryLog,
    readonly recovery: RecoveryLog,
    private readonly plugins: PluginList,
    private readonly onStopped: () => void,
  ) {
    const logLimits = daemonLogLimits()
    if (logLimits.ignored.length > 0) log.warn('ignored daemon log settings; using the defaults', { ignored: logLimits.ignored })
    this.logClock = new LogClock(paths.logsDir, log)
    this.rotator = new LogRotator(paths, supervisor, log, logLimits, this.logClock)
    this.watcher = new FileWatcher(supervisor, log, paths.home)
    this.ctx = {
      paths,
      log,
      registry,
      supervisor,
      monitor,
      startedAt: observer.startedAt,
      version: ORCH_VERSION,
      queue,
      recovery,
      plugins,
      queueDurability,
      tracing,
      observer,
      history,
      historyRetention: new HistoryRetention(history, historySettingsFile(paths), log),
      syncAgents: () => this.syncAgents(),
      stopAgentsForKill: () => this.stopAgentsForKill(),
      shutdown: (reason, opts) => this.shutdown(reason, opts),
      watchdogPid: () => this.watchdogPid,
    }
  }

  /** Returns null when another daemon already holds this ORCH_HOME. `onLogLine` hears each line of daemon.log (`orch daemon run`). */
  static async start(paths: OrchPaths, onStopped: () => void = () => {}, opts: { onLogLine?: (line: string) => void } = {}): Promise<Daemon | null> {
    const adoptOnly = takeAdoptOnly()
    const { fixedMode } = prepareHome(paths)
    const lock = await acquireLock(paths)
    if (!lock) return null
    const log = createLogger(paths.daemonLog, opts.onLogLine)
    log.info('daemon starting', { home: paths.home, version: ORCH_VERSION, node: process.version })
    // at once: a start that fails from here on (a full disk, a damaged file) is retried by it too
    const watchdog = Watchdog.start(paths, DAEMON_MAIN, lock.generation, log)
    if (fixedMode !== null) log.warn(`ORCH_HOME had mode ${fixedMode.toString(8)}; set to 700`, { home: paths.home })
    const recovery = new RecoveryLog((note) => log.warn('unreadable records moved aside', { ...note }))
    const registry = new PluginRegistry((plugin, hook, err) => log.error('plugin hook failed', { plugin, hook, err }))
    for (const name of BUILTIN_PLUGINS) registry.add(await loadBuiltinPlugin(name))
    const store = await NedbStateStore.open(paths.dataDir, {
      onError: (err, id) => log.error('cannot write agent state; will retry', { agent: id, err }),
      onRepaired: (r) => recovery.note({ file: r.file, lines: r.dropped, movedTo: r.movedTo, reason: r.reasons.join('; ') }),
    })
    const plugins = new PluginList(join(paths.dataDir, 'plugins.json'))
    const pluginRepair = plugins.load()
    if (pluginRepair) recovery.note(pluginRepair)
    checkDesiredState(paths, log, recovery)
    const supervisor = new Supervisor({ store, log, spawner: new ChildProcessSpawner(paths, (r) => registry.prepareSpawn(r, paths.home)), probe: procProbe(paths.home) })
    const monitor = new Monitor(supervisor, DEFAULT_MONITOR_INTERVAL_MS, log)
    supervisor.on('spawned', () => monitor.wake())
    // the settings the last config gave: the queue opens before any config is loaded
    const queueSettings = await readQueueSettings(queueSettingsFile(paths), recovery)
    const queueStore = new NedbQueueStore(join(paths.dataDir, 'queue.db'), { durability: queueSettings.durability, recovery })
    const queue = await MessageQueue.open({ store: queueStore })
    const queueDurability = new QueueDurability(queueSettings, queueStore, queueSettingsFile(paths), log)
    const startedAt = Date.now()
    const observer = new Observer({ supervisor, queue, monitor, startedAt }, metricsSettingsFile(paths), log)
    const tracing = await startTracing(paths, queue, log, recovery)
    const historyBound = await readHistorySettings(historySettingsFile(paths), recovery)
    const historyFile = join(paths.dataDir, 'history.log')
    const { log: history, tornBytes } = await openHistory(historyFile, historyBound, log, recovery)
    if (tornBytes > 0) recovery.note({ file: historyFile, lines: 1, movedTo: null, reason: `torn last line (${tornBytes} bytes, a write cut short) cut off` })
    recordQueueHistory(queue, history)
    const daemon = new Daemon(paths, lock, log, registry, store, supervisor, monitor, queue, queueDurability, tracing, observer, history, recovery, plugins, onStopped)
    // before any agent is started: what the files gained until now was written while no daemon ran
    daemon.logClock.start()
    await daemon.loadRememberedPlugins()
    daemon.wireHooks()
    supervisor.adopt(await store.all(), { startDead: !adoptOnly })
    daemon.syncAgents()
    await daemon.listen()
    // for people and scripts; the lock, not this file, says which daemon runs: a full disk must not stop it
    try {
      writeFileSync(paths.pidFile, `${process.pid}\n`, { mode: 0o600 })
    } catch (err) {
      log.warn('cannot write daemon.pid', { err })
    }
    monitor.start()
    // metrics are a view: whatever goes wrong with them, the daemon starts
    await observer.endpoint.start().catch((err) => log.error('cannot start the metrics endpoint', { err }))
    daemon.rotator.check(true) // a log grown large before this start (daemon.log, or an agent's while no daemon ran) is cut now, not in 10s
    daemon.rotator.start(Number(process.env.ORCH_LOG_CHECK_MS) || undefined)
    daemon.watchdog = watchdog
    daemon.idleGc = IdleGc.create()
    daemon.idleGc?.start()
    daemon.tierUp = TierUp.create()
    daemon.tierUp?.start(queue, (why) => log.info('V8 compilers on: the daemon has work', { why }))
    registry.emit('daemonStarted', { pid: process.pid, home: paths.home })
    log.info('daemon ready', { pid: process.pid, socket: paths.socket, agents: supervisor.all().length })
    return daemon
  }

  private async listen(): Promise<void> {
    const { server, connections } = createControlServer(this.ctx, { handlers, schemas: PARAMS_CHECKS, answersLazily }, this.log)
    this.server = server
    this.connections = connections
    // We hold the lock, so a socket file here is a leftover of a dead daemon.
    try {
      unlinkSync(this.paths.socket)
    } catch {}
    const umask = process.umask(0o177)
    try {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject)
        server.listen(this.paths.socket, () => resolve())
      })
    } finally {
      process.umask(umask)
    }
    chmodSync(this.paths.socket, 0o600)
    server.on('error', (err) => this.log.error('control socket error', { err }))
  }

  private wireHooks(): void {
    const { supervisor, registry } = this
    supervisor.on('spawned', (r) => registry.emit('agentStarted', hookEvent(r)))
    supervisor.on('exited', (r, exit) => registry.emit('agentExited', { ...hookEvent(r), code: exit.code, signal: exit.signal }))
    // the process a reload replaced: plugins hear it ended; the queue does not drop the instance (its new process consumes now)
    supervisor.on('retired', (r, exit) => registry.emit('agentExited', { ...hookEvent(r), code: exit.code, signal: exit.signal }))
    supervisor.on('state', (r, from, to, reason) => {
      registry.emit('agentStateChanged', { ...hookEvent(r), from, to, reason })
      if (to === 'online') registry.emit('agentOnline', hookEvent(r))
      if (to === 'errored') registry.emit('agentErrored', { ...hookEvent(r), reason })
    })
    supervisor.on('desiredChanged', () => this.scheduleSaveDesired())
    // A dead agent's leases go back at once, not after the lease timeout.
    supervisor.on('exited', (r) => this.queue.detach(r.id, 'agent exited'))
    const { queue } = this
    const msgEvent = (m: Message) => ({ id: m.id, from: m.from, to: m.to, type: m.type, attempts: m.attempts, lastError: m.lastError })
    // two per message: no event object is made for hooks no plugin has
    queue.on('sent', (m) => registry.listens('messageSent') && registry.emit('messageSent', msgEvent(m)))
    queue.on('delivered', (m) => registry.listens('messageDelivered') && registry.emit('messageDelivered', msgEvent(m)))
    queue.on('deadLettered', (m) => registry.emit('messageDeadLettered', msgEvent(m)))
    queue.on('error', (err) => this.log.error('queue error', { err }))
    this.observer.attach(queue)
  }

  /** After the set of agents changed: the queue's recipients and the file watchers follow. */
  private syncAgents(): void {
    const counts = new Map<string, number>()
    for (const inst of this.supervisor.all()) counts.set(inst.record.name, inst.record.agent.instances)
    this.queue.setAgents(counts)
    this.watcher.sync().catch((err) => this.log.error('cannot watch files', { err }))
  }

  /** desired.json: which agents should run, for `orch resurrect`. */
  /** Starting 50 agents changes the desired state 50 times in one tick: write (and fsync) once. */
  private scheduleSaveDesired(): void {
    if (this.desiredSaveScheduled) return
    this.desiredSaveScheduled = true
    setImmediate(() => {
      this.desiredSaveScheduled = false
      this.saveDesired()
    })
  }

  private saveDesired(): void {
    if (this.freezeDesired) return
    const byName = new Map<string, InstanceView>()
    for (const inst of this.supervisor.all()) {
      if (inst.record.desired === 'running' && !byName.has(inst.record.name)) byName.set(inst.record.name, inst)
    }
    try {
      writeDesiredState(this.paths.desiredState, {
        savedAt: Date.now(),
        agents: [...byName.values()].map((i) => ({ agent: i.record.agent, spec: i.record.spec, configPath: i.record.configPath, shellEnv: i.record.shellEnv ?? null })),
      })
    } catch (err) {
      this.log.error('cannot write desired state', { err })
    }
  }

  private async loadRememberedPlugins(): Promise<void> {
    for (const { spec, baseDir } of this.plugins.all()) {
      try {
        const plugin = await loadPlugin(spec, baseDir)
        if (!this.registry.has(plugin.name)) this.registry.add(plugin, spec)
      } catch (err) {
        this.log.error('cannot reload plugin', { spec, baseDir, err })
      }
    }
  }

  private async stopAgentsForKill(reason = 'orch kill'): Promise<void> {
    this.saveDesired()
    this.freezeDesired = true
    await this.supervisor.stopAll(this.supervisor.all(), reason)
  }

  /** SIGKILL to every agent's process group at once, without waiting: a second signal to `orch daemon run` while it stops them. */
  killAgentsNow(): number[] {
    const pids = this.supervisor.processes().map((p) => p.pid)
    for (const pid of pids) signalGroup(pid, 'SIGKILL')
    if (pids.length > 0) this.log.warn('agents killed at once', { pids })
    return pids
  }

  /** A shutdown has begun. */
  get isStopping(): boolean {
    return this.stopping !== null
  }

  /** The one way out. Agents keep running unless `stopAgents`. */
  shutdown(reason: string, opts: { stopAgents?: boolean } = {}): Promise<void> {
    this.stopping ??= (async () => {
      this.log.info('daemon stopping', { reason })
      // first: a stop on purpose must not be taken for a crash, whatever happens next
      this.watchdog?.stop()
      this.registry.emit('daemonStopping', { reason })
      if (opts.stopAgents) await this.stopAgentsForKill(reason)
      this.monitor.stop()
      this.idleGc?.stop()
      this.tierUp?.stop()
      await this.observer.close().catch((err) => this.log.error('metrics endpoint close failed', { err }))
      this.rotator.stop()
      this.logClock.stop()
      await this.watcher.close().catch(() => {})
      this.supervisor.detachAll()
      this.server.close()
      flushConnections() // answers still held (this shutdown's own among them) go out before the sockets close
      for (const c of this.connections) c.socket.destroy()
      await this.store.close().catch((err) => this.log.error('state store close failed', { err }))
      await this.tracing.close().catch((err) => this.log.error('span export close failed', { err }))
      await this.queue.close().catch((err) => this.log.error('queue close failed', { err }))
      await this.history.close().catch((err) => this.log.error('message history close failed', { err }))
      for (const f of [this.paths.socket, this.paths.pidFile]) {
        try {
          unlinkSync(f)
        } catch {}
      }
      this.lock.release()
      this.log.info('daemon stopped', { reason })
      await this.log.close()
      this.onStopped()
    })()
    return this.stopping
  }
}
