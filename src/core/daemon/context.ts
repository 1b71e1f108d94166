import type { HistoryLog } from '../history/history-log.js'
import type { Logger } from '../log/logger.js'
import type { Monitor } from '../monitor/monitor.js'
import type { Observer } from '../observe/observer.js'
import type { MessageQueue } from '../queue/queue.js'
import type { OrchPaths } from '../paths.js'
import type { PluginRegistry } from '../plugins/registry.js'
import type { PluginList } from '../store/plugin-list.js'
import type { RecoveryLog } from '../store/recovery-log.js'
import type { Supervisor } from '../supervisor/supervisor.js'
import type { Connection } from './connection.js'
import type { HistoryRetention } from './history-retention.js'
import type { QueueDurability } from './queue-durability.js'
import type { Tracing } from '../otel/tracing.js'

/** What request handlers may use. */
export interface DaemonContext {
  paths: OrchPaths
  log: Logger
  registry: PluginRegistry
  supervisor: Supervisor
  monitor: Monitor
  startedAt: number
  version: string
  queue: MessageQueue
  /** what stores repaired at start-up, for `orch daemon status` */
  recovery: RecoveryLog
  /** the plugins configs loaded, so a restarted daemon loads them again */
  plugins: PluginList
  /** `queue.durability` of a config: applied at once and remembered for the next start */
  queueDurability: QueueDurability
  /** `otlp` of a config: message spans exported over OTLP/HTTP, remembered for the next start */
  tracing: Tracing
  /** counters, histograms and the `/metrics` endpoint */
  observer: Observer
  /** the lifecycle events of messages (data/history.log), for `orch trace` and `orch queue history` */
  history: HistoryLog
  /** `history` of a config: applied at once and remembered for the next start */
  historyRetention: HistoryRetention
  /** tells the queue which agents exist (after start, delete) */
  syncAgents(): void
  /** `orch kill`: stops every agent, keeping desired.json for `orch resurrect` */
  stopAgentsForKill(): Promise<void>
  /** the watchdog that restarts this daemon if it dies, when it runs in the background */
  watchdogPid(): number | null
  /** the one way out: logs why, closes everything; stops agents first when asked */
  shutdown(reason: string, opts?: { stopAgents?: boolean }): Promise<void>
}

export type Handler<P, R> = (params: P, ctx: DaemonContext, conn: Connection) => Promise<R> | R
