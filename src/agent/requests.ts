import { randomUUID } from 'node:crypto'
import { MAX_FINISHED_REQUESTS } from './constants.js'
import type { AgentMessage } from './types.js'

interface Pending {
  /** the request's own type: the request itself, delivered to its sender, is not its reply */
  type: string
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

/** Requests waiting for their reply, by correlationId (and by the request message's id, for replies that carry `inReplyTo`). */
export class PendingRequests {
  private readonly pending = new Map<string, Pending>()
  private readonly byMessageId = new Map<string, string>()
  /** answered, timed out or failed, with the request's type; insertion-ordered, so the first is the oldest */
  private readonly finished = new Map<string, string>()

  /**
   * A fresh correlationId and the promise of its reply, rejected by
   * `onTimeout`'s error after `timeoutMs`. The promise never rejects
   * unobserved: whoever awaits it later still gets the rejection.
   */
  open(type: string, timeoutMs: number, onTimeout: (correlationId: string) => Error): { correlationId: string; reply: Promise<AgentMessage> } {
    const correlationId = randomUUID()
    const reply = new Promise<AgentMessage>((resolve, reject) => {
      const timer = setTimeout(() => this.fail(correlationId, onTimeout(correlationId)), timeoutMs)
      this.pending.set(correlationId, { type, resolve, reject, timer })
    })
    // the timer may fire before the caller awaits (e.g. while the send waits for the daemon to come back)
    reply.catch(() => {})
    return { correlationId, reply }
  }

  /** Still waiting for its reply (neither answered, timed out nor failed). */
  isPending(correlationId: string): boolean {
    return this.pending.has(correlationId)
  }

  /** Notes the id the daemon gave the request message, so that a reply naming it in `inReplyTo` matches. */
  sent(correlationId: string, messageId: string | undefined): void {
    const p = this.pending.get(correlationId)
    if (!p || messageId === undefined) return
    p.messageId = messageId
    this.byMessageId.set(messageId, correlationId)
  }

  /** Settles the request `msg` replies to, if one is pending; says whether it was a reply at all. */
  match(msg: AgentMessage): ReplyMatch {
    const cid = msg.correlationId
    const isReply = (type: string): boolean => msg.inReplyTo !== undefined || msg.type !== type
    const p = cid === undefined ? undefined : this.pending.get(cid)
    if (p && isReply(p.type)) return this.settle(cid!, p, msg)
    const viaId = msg.inReplyTo === undefined ? undefined : this.byMessageId.get(msg.inReplyTo)
    const q = viaId === undefined ? undefined : this.pending.get(viaId)
    if (q) return this.settle(viaId!, q, msg)
    const doneType = cid === undefined ? undefined : this.finished.get(cid)
    return doneType !== undefined && isReply(doneType) ? 'late' : 'none'
  }

  fail(correlationId: string, err: Error): void {
    const p = this.pending.get(correlationId)
    if (!p) return
    this.finish(correlationId, p)
    p.reject(err)
  }

  failAll(err: Error): void {
    for (const id of [...this.pending.keys()]) this.fail(id, err)
  }

  private settle(correlationId: string, p: Pending, msg: AgentMessage): 'settled' {
    this.finish(correlationId, p)
    p.resolve(msg)
    return 'settled'
  }

  private finish(correlationId: string, p: Pending): void {
    this.pending.delete(correlationId)
    if (p.messageId !== undefined) this.byMessageId.delete(p.messageId)
    clearTimeout(p.timer)
    this.finished.set(correlationId, p.type)
    if (this.finished.size > MAX_FINISHED_REQUESTS) this.finished.delete(this.finished.keys().next().value!)
  }
}
