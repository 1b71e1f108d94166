import { isConnectionLoss, type Connection } from './connection.js'
import { AckBatcher } from './acks.js'
import { runHandling } from './context.js'
import { HandlerTable } from './handlers.js'
import type { Logger } from './logger.js'
import type { PendingRequests } from './requests.js'
import type { AgentMessage, MessageHandler } from './types.js'

type ConsumeState = 'off' | 'starting' | 'on'

function isThenable(v: unknown): v is PromiseLike<unknown> {
  return typeof (v as { then?: unknown } | null)?.then === 'function'
}

/**
 * Messages pushed to this agent: replies settle their request; the rest run
 * their handler in a context holding the message, then are acked (batched)
 * or nacked. Messages that come before any handler is registered wait for one.
 */
export class Inbox {
  private readonly handlers = new HandlerTable()
  private readonly acks: AckBatcher
  private readonly nacks = new Set<Promise<unknown>>()
  private held: Array<{ msg: AgentMessage; epoch: number }> = []
  private consumeState: ConsumeState = 'off'
  private consuming: Promise<void> | undefined

  constructor(
    private readonly conn: Connection,
    private readonly requests: PendingRequests,
    private readonly log: Logger,
    private readonly agentId: string,
  ) {
    this.acks = new AckBatcher((epoch, ids) => this.sendAcks(epoch, ids))
    conn.on('event', (frame, epoch) => {
      if (frame.event === 'message') this.deliver(frame.data as AgentMessage, epoch)
    })
    // Only once consuming took: consuming twice on one connection makes the daemon re-attach and redeliver.
    conn.onRestore(async (client) => {
      if (this.consumeState === 'on') await client.call('queue.consume', {})
    })
  }

  on(type: string | undefined, handler: MessageHandler): () => void {
    const wasEmpty = this.handlers.empty
    const off = this.handlers.set(type, handler)
    // next turn: the caller may register several handlers in a row before held messages are sorted
    if (wasEmpty && this.held.length > 0) setImmediate(() => this.releaseHeld())
    return off
  }

  /** Starts delivery (once); resolves when the daemon pushes to this agent. */
  consume(): Promise<void> {
    this.consuming ??= (async () => {
      this.consumeState = 'starting'
      try {
        await this.conn.call('queue.consume', {})
        this.consumeState = 'on'
      } catch (err) {
        this.consumeState = 'off'
        this.consuming = undefined
        throw err
      }
    })()
    return this.consuming
  }

  /** Sends the acks still batched and waits for acks and nacks under way. */
  async drain(): Promise<void> {
    await this.acks.drain()
    await Promise.allSettled([...this.nacks])
  }

  private deliver(msg: AgentMessage, epoch: number): void {
    if (this.requests.settle(msg) || this.requests.isAbandoned(msg.correlationId)) {
      this.acks.add(msg.id, epoch)
      return
    }
    const handler = this.handlers.find(msg.type)
    if (handler) return this.run(handler, msg, epoch)
    if (this.handlers.empty) {
      this.held.push({ msg, epoch })
      return
    }
    this.nack(msg, epoch, `no handler for type '${msg.type}' in agent '${this.agentId}'`)
  }

  private releaseHeld(): void {
    const held = this.held
    this.held = []
    // held messages of a lost connection are already back in the queue
    for (const { msg, epoch } of held) if (epoch === this.conn.epoch) this.deliver(msg, epoch)
  }

  private run(handler: MessageHandler, msg: AgentMessage, epoch: number): void {
    runHandling(msg, () => {
      let result: unknown
      try {
        result = handler(msg)
      } catch (err) {
        return this.failed(msg, epoch, err)
      }
      if (isThenable(result)) {
        result.then(
          () => this.acks.add(msg.id, epoch),
          (err: unknown) => this.failed(msg, epoch, err),
        )
      } else {
        this.acks.add(msg.id, epoch)
      }
    })
  }

  private failed(msg: AgentMessage, epoch: number, err: unknown): void {
    const error = err instanceof Error ? err.message : String(err)
    this.log.warn('handler failed; message nacked', { type: msg.type, attempts: msg.attempts, error })
    this.nack(msg, epoch, error)
  }

  private nack(msg: AgentMessage, epoch: number, error: string): void {
    const p = this.conn.callOn(epoch, 'queue.nack', { id: msg.id, error })
    if (!p) return
    const tracked: Promise<unknown> = p
      .catch((err: unknown) => {
        if (!isConnectionLoss(err)) this.log.warn('nack refused', { messageId: msg.id, error: err })
      })
      .finally(() => this.nacks.delete(tracked))
    this.nacks.add(tracked)
  }

  private async sendAcks(epoch: number, ids: string[]): Promise<void> {
    const p = this.conn.callOn(epoch, 'queue.ack', { ids })
    // the connection they came on is gone: the daemon has put those messages back already
    if (!p) return
    try {
      const r = await p
      for (const f of r.failed ?? []) this.log.warn('ack refused', { ackedId: f.id, code: f.code, error: f.message })
    } catch (err) {
      if (!isConnectionLoss(err)) this.log.warn('acks refused', { count: ids.length, error: err })
    }
  }
}
