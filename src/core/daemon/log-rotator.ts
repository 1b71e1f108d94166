import type { Logger } from '../log/logger.js'
import { agentLogPaths, type OrchPaths } from '../paths.js'
import { LOG_CHECK_INTERVAL_MS, rotateIfNeeded } from '../supervisor/log-rotation.js'
import type { Supervisor } from '../supervisor/supervisor.js'
import type { DaemonLogLimits } from './daemon-log-limits.js'
import type { LogClock } from './log-clock.js'

/** Every this many checks, every agent log file is looked at, changed or not (a change event lost). */
export const FULL_CHECK_EVERY = 6

/**
 * Checks daemon.log and the agent log files that changed, on a timer, and
 * rotates those over their size. A file that did not grow cannot have gone
 * over: the log clock, which watches the logs folder, says which grew; every
 * FULL_CHECK_EVERY checks all of them are looked at anyway.
 */
export class LogRotator {
  private timer: NodeJS.Timeout | null = null
  private checks = 0

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

  /** `all`: every agent file, changed or not (otherwise one check in FULL_CHECK_EVERY does). */
  check(all = false): void {
    this.checkDaemonLog()
    const changed = this.clock.takeChanged()
    const full = all || ++this.checks % FULL_CHECK_EVERY === 0
    if (!full && changed.size === 0) return
    for (const inst of this.supervisor.all()) {
      const { logMaxBytes, logRetain } = inst.record.agent
      const files = agentLogPaths(this.paths, inst.record.id)
      for (const file of [files.out, files.err]) {
        if (!full && !changed.has(file)) continue
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
