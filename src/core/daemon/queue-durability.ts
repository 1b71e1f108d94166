import type { Durability } from '../config/durability.js'
import type { Logger } from '../log/logger.js'
import type { NedbQueueStore } from '../queue/nedb-store.js'
import { writeQueueSettings, type QueueSettings } from './queue-settings.js'

/** Owns the queue's durability setting: applies a config's `queue.durability` to the store and remembers it for the next start. */
export class QueueDurability {
  private written: Promise<void> = Promise.resolve()

  constructor(
    private settings: QueueSettings,
    private readonly store: NedbQueueStore,
    private readonly file: string,
    private readonly log: Logger,
  ) {}

  /** Applies from the next write, and is remembered for the next start. */
  set(durability: Durability): void {
    if (durability === this.settings.durability) return
    this.settings = { ...this.settings, durability }
    this.store.setDurability(durability)
    this.log.info('queue durability set', { durability })
    const settings = this.settings
    // one write at a time, in order: the last setting is the one on disk
    this.written = this.written
      .then(() => writeQueueSettings(this.file, settings))
      .catch((err) => this.log.error('cannot remember the queue settings; the next start uses the previous ones until the next orch start', { err }))
  }
}
