import { FrameTooLargeError } from '../core/errors/frame-too-large-error.js'
import { OrchError } from '../core/errors/orch-error.js'
import type { SendParams } from '../core/protocol/methods.js'
import type { Connection } from './connection.js'

interface Pending {
  params: SendParams
  resolve: (ids: string[]) => void
  reject: (err: Error) => void
}

/**
 * Coalesces the sends of one tick into one `queue.sendMany` frame: under
 * load, one frame and one answer for hundreds of messages instead of one
 * each. A lone send goes as `queue.send`. A batch over the frame limit is
 * split in halves until it fits.
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
    void this.write(batch)
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
