import { randomUUID } from 'node:crypto'
import { MAX_FINISHED_REQUESTS } from './constants.js'
import type { AgentMessage } from './types.js'

interface Pending {
  /** the request's own type: the request itself, delivered to its sender, is not its reply */
  type: string
  correlationId: string
  /** the correlationId is this request's alone, so a reply that carries only it matches */
  ownsCorrelationId: boolean
  resolve: (msg: AgentMessage) => void
  reject: (err: Error) => void
  timer: NodeJS.Timeout
  /** the request message's id, once the daemon stored it */
  messageId?: string
}

/** What an incoming message is to the requests of this agent. */
export type ReplyMatch =
  /** the reply of a pending request, which it settled */
  | 'settled'
  /** a reply to a request that was already answered or timed out: drop it */
  | 'late'
  /** not a reply to any request of this agent */
  | 'none'

/**
 * Requests waiting for their reply, by a key of their own. A request made
 * outside a handler has a fresh correlationId, and a reply carrying it
 * matches; one made inside a handler carries the handled message's
 * correlationId (the trace id, shared by everything that message caused),
 * so only `inReplyTo` (the request message's id) can match its reply.
 */
export class PendingRequests {
  private readonly pending = new Map<string, Pending>()
  private readonly byCorrelationId = new Map<string, string>()
  private readonly byMessageId = new Map<string, string>()
  /** requests with a shared correlationId whose message id is not known yet: until it is, their reply cannot be told */
  private readonly unidentified = new Set<string>()
  private idWaiters: Array<() => void> = []
  /** answered, timed out or failed, by correlationId (owned ones) and by message id, with the request's type; insertion-ordered, so the first is the oldest */
  private readonly finished = new Map<string, string>()

  /**
   * A key for the request, its correlationId (`shared`, else a fresh one) and
   * the promise of its reply, rejected by `onTimeout`'s error after
   * `timeoutMs`. The promise never rejects unobserved: whoever awaits it
   * later still gets the rejection.
   */
  open(
    type: string,
    timeoutMs: number,
    onTimeout: (correlationId: string) => Error,
    shared?: string,
  ): { key: string; correlationId: string; reply: Promise<AgentMessage> } {
    const key = randomUUID()
    const correlationId = shared ?? key
    const reply = new Promise<AgentMessage>((resolve, reject) => {
      const timer = setTimeout(() => this.fail(key, onTimeout(correlationId)), timeoutMs)
      this.pending.set(key, { type, correlationId, ownsCorrelationId: shared === undefined, resolve, reject, timer })
    })
    if (shared === undefined) this.byCorrelationId.set(correlationId, key)
    else this.unidentified.add(key)
    // the timer may fire before the caller awaits (e.g. while the send waits for the daemon to come back)
    reply.catch(() => {})
    return { key, correlationId, reply }
  }

  /** Still waiting for its reply (neither answered, timed out nor failed). */
  isPending(key: string): boolean {
    return this.pending.has(key)
  }

  /** Notes the id the daemon gave the request message, so that a reply naming it in `inReplyTo` matches. */
  sent(key: string, messageId: string | undefined): void {
    const p = this.pending.get(key)
    if (p && messageId !== undefined) {
      p.messageId = messageId
      this.byMessageId.set(messageId, key)
    }
    this.identified(key)
  }

  /**
   * Whether a reply that matched nothing may still be one: the answer to a
   * send and the reply it caused can come in one chunk, the reply handled
   * before the send's id is known. Such a reply waits for `whenIdentified`.
   */
  get awaitingIds(): boolean {
    return this.unidentified.size > 0
  }

  /** Resolves once every pending request with a shared correlationId knows its message id (or ended). */
  whenIdentified(): Promise<void> {
    if (this.unidentified.size === 0) return Promise.resolve()
    return new Promise((resolve) => this.idWaiters.push(resolve))
  }

  private identified(key: string): void {
    if (!this.unidentified.delete(key) || this.unidentified.size > 0) return
    const waiters = this.idWaiters
    this.idWaiters = []
    for (const w of waiters) w()
  }

  /** Settles the request `msg` replies to, if one is pending; says whether it was a reply at all. */
  match(msg: AgentMessage): ReplyMatch {
    const cid = msg.correlationId
    const isReply = (type: string): boolean => msg.inReplyTo !== undefined || msg.type !== type
    const viaId = msg.inReplyTo === undefined ? undefined : this.byMessageId.get(msg.inReplyTo)
    const q = viaId === undefined ? undefined : this.pending.get(viaId)
    if (q) return this.settle(viaId!, q, msg)
    const viaCid = cid === undefined ? undefined : this.byCorrelationId.get(cid)
    const p = viaCid === undefined ? undefined : this.pending.get(viaCid)
    if (p && isReply(p.type)) return this.settle(viaCid!, p, msg)
    if (msg.inReplyTo !== undefined && this.finished.has(msg.inReplyTo)) return 'late'
    const doneType = cid === undefined ? undefined : this.finished.get(cid)
    return doneType !== undefined && isReply(doneType) ? 'late' : 'none'
  }

  fail(key: string, err: Error): void {
    const p = this.pending.get(key)
    if (!p) return
    this.finish(key, p)
    p.reject(err)
  }

  failAll(err: Error): void {
    for (const key of [...this.pending.keys()]) this.fail(key, err)
  }

  private settle(key: string, p: Pending, msg: AgentMessage): 'settled' {
    this.finish(key, p)
    p.resolve(msg)
    return 'settled'
  }

  private finish(key: string, p: Pending): void {
    this.pending.delete(key)
    if (p.ownsCorrelationId) {
      this.byCorrelationId.delete(p.correlationId)
      this.remember(p.correlationId, p.type)
    }
    if (p.messageId !== undefined) {
      this.byMessageId.delete(p.messageId)
      this.remember(p.messageId, p.type)
    }
    clearTimeout(p.timer)
    this.identified(key)
  }

  private remember(id: string, type: string): void {
    this.finished.set(id, type)
    if (this.finished.size > MAX_FINISHED_REQUESTS) this.finished.delete(this.finished.keys().next().value!)
  }
}
