import { FrameTooLargeError } from '../core/errors/frame-too-large-error.js'
import { OrchError } from '../core/errors/orch-error.js'
import type { SendParams } from '../core/protocol/methods.js'
import type { Connection } from './connection.js'

/**
 * Most sends in one `queue.sendMany`. Its answer carries the ids of every
 * message (a UUID each, ~47 bytes per send to one recipient), and an answer
 * over the 1 MiB frame limit cannot be read: 22,000 sends in one tick were
 * stored but reported failed. 256 keeps the answer under 1 MiB up to ~85
 * recipients per send, and still puts hundreds of sends in one frame.
 */
export const MAX_SEND_BATCH = 256

interface Pending {
  params: SendParams
  resolve: (ids: string[]) => void
  reject: (err: Error) => void
}

/**
 * Coalesces the sends of one tick into one `queue.sendMany` frame: under
 * load, one frame and one answer for hundreds of messages instead of one
 * each. A lone send goes as `queue.send`. Batches hold at most
 * MAX_SEND_BATCH sends, so that the answer fits a frame too; a request over
 * the frame limit (big payloads) is split in halves until it fits. Nothing of
 * it was sent then, so splitting sends nothing twice.
 */
export class Outbox {
  private batch: Pending[] = []

  constructor(private readonly conn: Connection) {}

  send(params: SendParams): Promise<string[]> {
    return new Promise((resolve, reject) => {
      this.batch.push({ params, resolve, reject })
      if (this.batch.length === 1) setImmediate(() => this.flush())
    })
  }

  private flush(): void {
    const batch = this.batch
    this.batch = []
    for (let i = 0; i < batch.length; i += MAX_SEND_BATCH) void this.write(batch.slice(i, i + MAX_SEND_BATCH))
  }

  private async write(batch: Pending[]): Promise<void> {
    if (batch.length === 1) {
      const [one] = batch as [Pending]
      await this.conn.call('queue.send', one.params).then((r) => one.resolve(r.ids), one.reject)
      return
    }
    try {
      const { results } = await this.conn.call('queue.sendMany', { messages: batch.map((b) => b.params) })
      results.forEach((r, i) => {
        if ('ids' in r) batch[i]!.resolve(r.ids)
        else batch[i]!.reject(new OrchError(r.error.code, r.error.message, r.error.data))
      })
    } catch (err) {
      if (err instanceof FrameTooLargeError) {
        const half = Math.ceil(batch.length / 2)
        await Promise.all([this.write(batch.slice(0, half)), this.write(batch.slice(half))])
        return
      }
      for (const b of batch) b.reject(err as Error)
    }
  }
}
