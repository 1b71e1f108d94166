import type { WireMessage } from '../core/protocol/types.js'

/** A message as the agent receives it; `payload` is whatever JSON the sender put in. */
export type AgentMessage<P = unknown> = Omit<WireMessage, 'payload'> & { payload: P }

/**
 * Handles one message. Resolving acks it; throwing or rejecting nacks it with
 * the error's message (it comes back with attempts + 1, and is dead-lettered
 * after the daemon's maxAttempts).
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
}

export interface RequestOptions extends Omit<SendOptions, 'correlationId' | 'replyTo'> {
  /** ms to wait for the reply (default 30 000) */
  timeout?: number
}

export type ReplyOptions = Omit<SendOptions, 'correlationId' | 'replyTo'>

export interface AgentOptions {
  /** the daemon's socket (default: ORCH_SOCKET, set by the daemon) */
  socket?: string
  /** this instance's id, `name` or `name:N` (default: ORCH_AGENT_ID, set by the daemon) */
  id?: string
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
}
