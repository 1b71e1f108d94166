import type { HistoryBound } from '../history/history-bound.js'
import type { HistoryLog } from '../history/history-log.js'
import type { Logger } from '../log/logger.js'
import { writeHistorySettings } from './history-settings.js'

/** Owns the history's bound: applies a config's `history` to the log and remembers it for the next start. */
export class HistoryRetention {
  private written: Promise<void> = Promise.resolve()

  constructor(
    private readonly history: HistoryLog,
    private readonly file: string,
    private readonly log: Logger,
  ) {}

  set(bound: HistoryBound): void {
    const now = this.history.settings
    if (bound.enabled === now.enabled && bound.maxEvents === now.maxEvents && bound.maxAgeMs === now.maxAgeMs) return
    this.history.setBound(bound)
    this.log.info('message history settings', { ...bound })
    // one write at a time, in order: the last setting is the one on disk
    this.written = this.written
      .then(() => writeHistorySettings(this.file, bound))
      .catch((err) => this.log.error('cannot remember the history settings; the next start uses the previous ones until the next orch start', { err }))
  }
}
