import type { Logger } from '../log/logger.js'
import { agentLogPaths, type OrchPaths } from '../paths.js'
import { LOG_CHECK_INTERVAL_MS, rotateIfNeeded } from '../supervisor/log-rotation.js'
import type { Supervisor } from '../supervisor/supervisor.js'

/** Checks every agent's log files on a timer and rotates those over their size. */
export class LogRotator {
  private timer: NodeJS.Timeout | null = null

  constructor(
    private readonly paths: OrchPaths,
    private readonly supervisor: Supervisor,
    private readonly log: Logger,
  ) {}

  start(intervalMs = LOG_CHECK_INTERVAL_MS): void {
    this.timer = setInterval(() => this.check(), intervalMs)
    this.timer.unref()
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer)
    this.timer = null
  }

  check(): void {
    for (const inst of this.supervisor.all()) {
      const { logMaxBytes, logRetain } = inst.record.agent
      const files = agentLogPaths(this.paths, inst.record.id)
      for (const file of [files.out, files.err]) {
        try {
          if (rotateIfNeeded(file, logMaxBytes, logRetain)) this.log.info('log rotated', { agent: inst.record.id, file })
        } catch (err) {
          this.log.error('log rotation failed', { agent: inst.record.id, file, err })
        }
      }
    }
  }
}
