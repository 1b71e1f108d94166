import { isConnectionLoss, type Connection } from './connection.js'
import type { ParamsOf } from '../core/protocol/methods.js'
import { OrchError } from '../core/errors/orch-error.js'
import { isEvent } from '../core/protocol/events.js'
import { PushedEvent } from '../core/protocol/types.js'
import { AckBatcher } from './acks.js'
import { DEFAULT_LEASE_MS } from './constants.js'
import { runHandling } from './context.js'
import { HandlerTable } from './handlers.js'
import { LeaseKeeper } from './leases.js'
import type { Logger } from './logger.js'
import { ProgressReporter } from './progress.js'
import type { PendingRequests } from './requests.js'
import type { AgentMessage, MessageHandler } from './types.js'

type ConsumeState = 'off' | 'starting' | 'on'

export interface InboxOptions {
  /** sent with queue.consume: handlers run at once in this instance (default: the config's) */
  concurrency?: number
  /** a running handler's lease could not be renewed */
  onLeaseLost: (messageId: string, error: Error) => void
}

function isThenable(v: unknown): v is PromiseLike<unknown> {
  return typeof (v as { then?: unknown } | null)?.then === 'function'
}

/**
 * Messages pushed to this agent: replies settle their request; the rest run
 * their handler in a context holding the message, with its lease renewed
 * while it runs, then are acked (batched) or nacked. Messages that come
 * before any handler is registered wait for one.
 */
export class Inbox {
  private readonly handlers = new HandlerTable()
  private readonly acks: AckBatcher
  private readonly leases: LeaseKeeper
  private readonly progressReports: ProgressReporter
  /** handlers running now, by message id, with the epoch their message came on */
  private readonly running = new Map<string, { epoch: number }>()
  private readonly nacks = new Set<Promise<unknown>>()
  private held: Array<{ msg: AgentMessage; epoch: number; stopRenewing: () => void }> = []
  private consumeState: ConsumeState = 'off'
  private consuming: Promise<void> | undefined

  constructor(
    private readonly conn: Connection,
    private readonly requests: PendingRequests,
    private readonly log: Logger,
    private readonly agentId: string,
    private readonly opts: InboxOptions,
  ) {
    this.acks = new AckBatcher((epoch, ids) => this.sendAcks(epoch, ids))
    this.leases = new LeaseKeeper((epoch, ids) => this.extendLeases(epoch, ids))
    this.progressReports = new ProgressReporter((epoch, id, progress) => this.sendProgress(epoch, id, progress))
    conn.on('event', (frame, epoch) => {
      if (isEvent(frame, PushedEvent.MESSAGE)) this.deliver(frame.data, epoch)
    })
    // Only once consuming took: consuming twice on one connection makes the daemon re-attach and redeliver.
    conn.onRestore(async (client) => {
      if (this.consumeState === 'on') await client.call('queue.consume', this.consumeParams())
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
        await this.conn.call('queue.consume', this.consumeParams())
        this.consumeState = 'on'
      } catch (err) {
        this.consumeState = 'off'
        this.consuming = undefined
        throw err
      }
    })()
    return this.consuming
  }

  /**
   * Records the progress of `msg`, whose handler runs now (it renews the
   * lease too). Never rejects: a report that cannot be stored is logged.
   */
  progress(msg: AgentMessage, value: unknown): Promise<void> {
    const run = this.running.get(msg.id)
    if (!run) {
      this.log.debug('progress of a message that is not being handled: not sent', { messageId: msg.id })
      return Promise.resolve()
    }
    return this.progressReports.report(msg.id, run.epoch, value)
  }

  /** Sends the acks still batched and waits for acks and nacks under way; renews no lease from now on. */
  async drain(): Promise<void> {
    this.leases.clear()
    await this.acks.drain()
    await Promise.allSettled([...this.nacks])
  }

  private deliver(msg: AgentMessage, epoch: number): void {
    const match = this.requests.match(msg)
    if (match === 'settled') return this.acks.add(msg.id, epoch)
    if (match === 'none' && msg.inReplyTo !== undefined && this.requests.awaitingIds) {
      // maybe the reply of a request whose send was answered in the same chunk: sort it once the ids are known
      void this.requests.whenIdentified().then(() => {
        if (epoch === this.conn.epoch) this.deliver(msg, epoch)
      })
      return
    }
    // a reply goes to a handler only when one was registered for its very type: a duplicate of an answered request, or one that comes after its timeout, must not become work (nor, nacked, a dead letter)
    if (match === 'late' || (msg.inReplyTo !== undefined && !this.handlers.hasTyped(msg.type))) {
      this.log.debug('dropped a reply that matches no pending request', {
        messageId: msg.id,
        type: msg.type,
        from: msg.from,
        correlationId: msg.correlationId,
        inReplyTo: msg.inReplyTo,
        reason: match === 'late' ? 'its request was already answered or timed out' : 'no pending request',
      })
      return this.acks.add(msg.id, epoch)
    }
    const handler = this.handlers.find(msg.type)
    if (handler) return this.run(handler, msg, epoch)
    if (this.handlers.empty) {
      // waiting for a handler is part of handling: its lease must not run out meanwhile
      this.held.push({ msg, epoch, stopRenewing: this.leases.hold(msg.id, epoch, msg.leaseMs ?? DEFAULT_LEASE_MS) })
      return
    }
    this.nack(msg, epoch, `no handler for type '${msg.type}' in agent '${this.agentId}'`)
  }

  private releaseHeld(): void {
    const held = this.held
    this.held = []
    // held messages of a lost connection are already back in the queue
    for (const { msg, epoch, stopRenewing } of held) {
      stopRenewing()
      if (epoch === this.conn.epoch) this.deliver(msg, epoch)
    }
  }

  private run(handler: MessageHandler, msg: AgentMessage, epoch: number): void {
    const run = { epoch }
    this.running.set(msg.id, run)
    const ended = (): void => {
      if (this.running.get(msg.id) === run) this.running.delete(msg.id)
    }
    runHandling(msg, () => {
      let result: unknown
      try {
        result = handler(msg)
      } catch (err) {
        ended()
        return this.failed(msg, epoch, err)
      }
      if (!isThenable(result)) {
        ended()
        return this.acks.add(msg.id, epoch)
      }
      // only a handler that is still running needs its lease renewed; it stops the moment the handler settles
      const stopRenewing = this.leases.hold(msg.id, epoch, msg.leaseMs ?? DEFAULT_LEASE_MS)
      result.then(
        () => {
          stopRenewing()
          ended()
          this.acks.add(msg.id, epoch)
        },
        (err: unknown) => {
          stopRenewing()
          ended()
          this.failed(msg, epoch, err)
        },
      )
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

  private consumeParams(): ParamsOf<'queue.consume'> {
    return this.opts.concurrency === undefined ? {} : { concurrency: this.opts.concurrency }
  }

  private async sendAcks(epoch: number, ids: string[]): Promise<void> {
    try {
      const p = this.conn.callOn(epoch, 'queue.ack', { ids })
      // the connection they came on is gone: the daemon has put those messages back already
      if (!p) return
      const r = await p
      for (const f of r.failed ?? []) this.log.warn('ack refused', { ackedId: f.id, code: f.code, error: f.message })
    } catch (err) {
      if (!isConnectionLoss(err)) this.log.warn('acks refused', { count: ids.length, error: err })
    }
  }

  private async extendLeases(epoch: number, ids: string[]): Promise<void> {
    try {
      const p = this.conn.callOn(epoch, 'queue.extend', { ids })
      if (!p) {
        // the connection they came on is gone, and with it their leases: the daemon has put them back
        for (const id of ids) this.leases.release(id)
        return
      }
      const r = await p
      for (const f of r.failed ?? []) {
        this.leases.release(f.id)
        const error = new OrchError(f.code, f.message)
        this.log.warn('lease lost: the message may be delivered again, and its ack will be refused', { messageId: f.id, code: f.code, error: f.message })
        this.opts.onLeaseLost(f.id, error)
      }
    } catch (err) {
      if (!isConnectionLoss(err)) this.log.warn('could not renew leases', { count: ids.length, error: err })
    }
  }

  private async sendProgress(epoch: number, id: string, progress: unknown): Promise<void> {
    // a report that waited behind another while the handler ended: the message is acked, nothing to show
    if (!this.running.has(id)) return
    try {
      const p = this.conn.callOn(epoch, 'queue.progress', { id, progress })
      if (p) await p
    } catch (err) {
      if (!isConnectionLoss(err)) this.log.warn('progress not recorded', { messageId: id, error: err })
    }
  }
}
