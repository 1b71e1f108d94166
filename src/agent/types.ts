import type { WireMessage } from '../core/protocol/types.js'

/**
 * A message as the agent receives it; `payload` is whatever JSON the sender
 * put in. `leaseMs` is how long this delivery is leased for: the SDK renews
 * it while the handler runs.
 */
export type AgentMessage<P = unknown> = Omit<WireMessage, 'payload'> & { payload: P }

/**
 * Handles one message. Resolving acks it; throwing or rejecting nacks it with
 * the error's message (it comes back with attempts + 1, and is dead-lettered
 * after the daemon's maxAttempts). While it runs, its lease is renewed.
 */
export type MessageHandler<P = unknown> = (msg: AgentMessage<P>) => unknown

export interface SendOptions {
  /** integer, higher first (default 0) */
  priority?: number
  /** ms before the message may be delivered */
  delay?: number
  /** ms after which an undelivered message is dead-lettered */
  ttl?: number
  correlationId?: string
  /** where replies should go (default: the sender) */
  replyTo?: string
  /**
   * Idempotency key: a second send with the same key, while the first is
   * pending, in flight or was acked within the daemon's key window (10 min),
   * is not stored again and resolves with the first message's id.
   */
  key?: string
  /** ms each delivery of this message is leased for (default: the recipient's `leaseTimeout`); the recipient's SDK renews it while its handler runs */
  lease?: number
}

/**
 * A request's options. No `key`: the reply of a deduplicated request would
 * carry the first request's correlationId, so the second could not get it.
 */
export interface RequestOptions extends Omit<SendOptions, 'correlationId' | 'replyTo' | 'key'> {
  /** ms to wait for the reply (default 30 000), counted from the call: a daemon that is away counts too */
  timeout?: number
}

export type ReplyOptions = Omit<SendOptions, 'correlationId' | 'replyTo'>

export interface AgentOptions {
  /** the daemon's socket (default: ORCH_SOCKET, set by the daemon) */
  socket?: string
  /** this instance's id, `name` or `name:N` (default: ORCH_AGENT_ID, set by the daemon) */
  id?: string
  /**
   * the secret that proves this process is the instance orch spawned
   * (default: ORCH_AGENT_TOKEN, set by the daemon at each spawn, when `id` is
   * ORCH_AGENT_ID's). An agent the config declares `type: 'external'` needs none.
   */
  token?: string
  /** how many handlers run at once in this instance (default: the config's `concurrency`, itself 1 by default) */
  concurrency?: number
  /** the lowest level `agent.log` writes (default: ORCH_LOG_LEVEL or 'info') */
  logLevel?: LogLevel
  /** where `agent.log` writes each JSON line (default: stdout) */
  logSink?: (line: string) => void
}

export type LogLevel = 'debug' | 'info' | 'warn' | 'error'

/** Events of an Agent. */
export interface AgentEvents {
  /** the connection to the daemon was lost; the agent reconnects by itself */
  disconnected: (reason: Error) => void
  /** connected again: consuming, subscriptions and readiness are restored, waiting sends go out */
  reconnected: () => void
  /**
   * another connection with this agent id started consuming: it gets the
   * messages now, this one none until that one closes ('resumed')
   */
  replaced: () => void
  /** the connection that had replaced this one closed: messages come here again */
  resumed: () => void
  /**
   * renewing the lease of a message whose handler still runs failed (it ran
   * out, e.g. the event loop was blocked past it): the message may be
   * delivered again, and this handler's ack will be refused
   */
  leaseLost: (messageId: string, error: Error) => void
}
