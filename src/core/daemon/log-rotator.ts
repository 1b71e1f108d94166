import type { Logger } from '../log/logger.js'
import { agentLogPaths, type OrchPaths } from '../paths.js'
import { LOG_CHECK_INTERVAL_MS, rotateIfNeeded } from '../supervisor/log-rotation.js'
import type { Supervisor } from '../supervisor/supervisor.js'
import type { DaemonLogLimits } from './daemon-log-limits.js'
import type { LogClock } from './log-clock.js'

/** Checks every agent's log files, and daemon.log, on a timer and rotates those over their size. */
export class LogRotator {
  private timer: NodeJS.Timeout | null = null

  constructor(
    private readonly paths: OrchPaths,
    private readonly supervisor: Supervisor,
    private readonly log: Logger,
    private readonly daemonLog: Pick<DaemonLogLimits, 'maxBytes' | 'retain'>,
    private readonly clock: LogClock,
  ) {}

  start(intervalMs = LOG_CHECK_INTERVAL_MS): void {
    this.timer = setInterval(() => this.check(), intervalMs)
    this.timer.unref()
  }

  /**
   * Copy and truncate, as for agents: the daemon's stderr (uncaught errors,
   * see client/ensure-daemon.ts) is an O_APPEND descriptor on daemon.log
   * that the daemon cannot reopen, and so is the logger's stream.
   */
  private checkDaemonLog(): void {
    const file = this.paths.daemonLog
    try {
      if (rotateIfNeeded(file, this.daemonLog.maxBytes, this.daemonLog.retain)) this.log.info('log rotated', { file })
    } catch (err) {
      this.log.error('log rotation failed', { file, err })
    }
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer)
    this.timer = null
  }

  check(): void {
    this.checkDaemonLog()
    for (const inst of this.supervisor.all()) {
      const { logMaxBytes, logRetain } = inst.record.agent
      const files = agentLogPaths(this.paths, inst.record.id)
      for (const file of [files.out, files.err]) {
        try {
          if (rotateIfNeeded(file, logMaxBytes, logRetain, { beforeCopy: () => this.clock.markNow(file) })) {
            this.clock.rotated(file)
            this.log.info('log rotated', { agent: inst.record.id, file })
          }
        } catch (err) {
          this.log.error('log rotation failed', { agent: inst.record.id, file, err })
        }
      }
    }
  }
}
