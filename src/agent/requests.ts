import { randomUUID } from 'node:crypto'
import { MAX_ABANDONED_REQUESTS } from './constants.js'
import type { AgentMessage } from './types.js'

interface Pending {
  /** the request's own type: the request itself, delivered to its sender, is not its reply */
  type: string
  resolve: (msg: AgentMessage) => void
  reject: (err: Error) => void
  timer: NodeJS.Timeout
}

/** Requests waiting for their reply, by correlationId. */
export class PendingRequests {
  private readonly pending = new Map<string, Pending>()
  /** timed out or failed: a reply that still comes is dropped, not handled */
  private readonly abandoned = new Set<string>()

  /** A fresh correlationId and the promise of its reply; `onTimeout` makes the rejection. */
  open(type: string, timeoutMs: number, onTimeout: (correlationId: string) => Error): { correlationId: string; reply: Promise<AgentMessage> } {
    const correlationId = randomUUID()
    const reply = new Promise<AgentMessage>((resolve, reject) => {
      const timer = setTimeout(() => this.fail(correlationId, onTimeout(correlationId)), timeoutMs)
      this.pending.set(correlationId, { type, resolve, reject, timer })
    })
    return { correlationId, reply }
  }

  /** Resolves the request this message replies to; false when it replies to none. */
  settle(msg: AgentMessage): boolean {
    const id = msg.correlationId
    const p = id === undefined ? undefined : this.pending.get(id)
    if (!p || msg.type === p.type) return false
    this.pending.delete(id!)
    clearTimeout(p.timer)
    p.resolve(msg)
    return true
  }

  fail(correlationId: string, err: Error): void {
    const p = this.pending.get(correlationId)
    if (!p) return
    this.pending.delete(correlationId)
    clearTimeout(p.timer)
    this.abandon(correlationId)
    p.reject(err)
  }

  /** A late reply to a request that already failed. */
  isAbandoned(correlationId: string | undefined): boolean {
    return correlationId !== undefined && this.abandoned.has(correlationId)
  }

  failAll(err: Error): void {
    for (const id of [...this.pending.keys()]) this.fail(id, err)
  }

  private abandon(correlationId: string): void {
    this.abandoned.add(correlationId)
    if (this.abandoned.size > MAX_ABANDONED_REQUESTS) {
      // a Set iterates in insertion order: the first is the oldest
      this.abandoned.delete(this.abandoned.values().next().value!)
    }
  }
}
