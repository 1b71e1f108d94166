/** Stores one message's progress on connection `epoch`. Must not reject. */
export type SendProgress = (epoch: number, id: string, progress: unknown) => Promise<void>

interface Queued {
  epoch: number
  value: unknown
  sent: Promise<void>
  resolve: () => void
}

/**
 * Progress reports of running handlers, at most one `queue.progress` in
 * flight per message: a handler that reports on every streamed token sends
 * its first value at once and then only the latest one each time the daemon
 * answers. Each call resolves once its value, or a newer one, is stored.
 */
export class ProgressReporter {
  /** messages with a report in flight, and the value waiting to follow it */
  private readonly busy = new Map<string, { queued?: Queued }>()

  constructor(private readonly send: SendProgress) {}

  report(id: string, epoch: number, value: unknown): Promise<void> {
    const slot = this.busy.get(id)
    if (slot) {
      if (slot.queued) {
        slot.queued.epoch = epoch
        slot.queued.value = value
        return slot.queued.sent
      }
      let resolve!: () => void
      const sent = new Promise<void>((r) => (resolve = r))
      slot.queued = { epoch, value, sent, resolve }
      return sent
    }
    const fresh: { queued?: Queued } = {}
    this.busy.set(id, fresh)
    const sent = this.send(epoch, id, value)
    void sent.then(() => this.sendQueued(id, fresh))
    return sent
  }

  private async sendQueued(id: string, slot: { queued?: Queued }): Promise<void> {
    while (slot.queued) {
      const q = slot.queued
      slot.queued = undefined
      await this.send(q.epoch, id, q.value)
      q.resolve()
    }
    this.busy.delete(id)
  }
}
