/** Shapes carried by the protocol, shared by daemon, CLI and SDK. */

export const AGENT_STATUSES = ['starting', 'online', 'stopping', 'stopped', 'backoff', 'errored'] as const
export type AgentStatus = (typeof AGENT_STATUSES)[number]

export interface AgentEvent {
  at: number
  from: AgentStatus | null
  to: AgentStatus
  reason: string
}

export interface UsageSample {
  at: number
  cpu: number
  memory: number
}

/** One row of `orch ls`. */
export interface AgentInfo {
  id: string
  name: string
  instance: number
  type: string
  status: AgentStatus
  pid: number | null
  /** ms since the current process started; 0 when not running */
  uptime: number
  restarts: number
  /** % of one core, latest sample */
  cpu: number
  /** bytes (RSS), latest sample */
  memory: number
  /** messages waiting for this agent */
  inbox: number
  desired: 'running' | 'stopped'
}

export interface AgentDescription extends AgentInfo {
  definition: Record<string, unknown>
  configPath: string | null
  command: string
  args: string[]
  cwd: string
  logs: { out: string; err: string }
  events: AgentEvent[]
  usage: UsageSample[]
}

export interface DaemonStatus {
  pid: number
  uptime: number
  cpu: number
  /** RSS, bytes */
  memory: number
  /** V8 heap in use, bytes */
  heapUsed: number
  version: string
  protocolVersion: number
  home: string
  socket: string
  agents: number
  /** the process that restarts a background daemon that dies; null for `orch daemon run` */
  watchdogPid: number | null
  /** repairs made at start-up: damaged data files whose unreadable lines were moved aside (movedTo null: they could not be kept) */
  recovered: Array<{ file: string; lines: number; movedTo: string | null; reason: string; at: number }>
}

/** A message as the daemon pushes it (event `message`) and lists it. */
export interface WireMessage {
  id: string
  /** sender id: an agent name, an instance id such as 'worker:0', or 'cli' */
  from: string
  /** as addressed: 'agent', 'agent:2' (one instance) or, for a topic copy, the subscriber instance id */
  to: string
  /** set on topic copies: the topic name without the 'topic:' prefix */
  topic?: string
  type: string
  /** integer, higher first */
  priority: number
  payload: unknown
  correlationId?: string
  replyTo?: string
  /** how many messages caused this one; sends over the limit are refused to stop loops */
  hops: number
  /** delivery attempts that failed (nack, lease timeout, recipient gone) */
  attempts: number
  createdAt: number
  notBefore?: number
  expiresAt?: number
  lastError?: string
  /** set when dead-lettered */
  deadAt?: number
  /** the idempotency key it was sent with */
  key?: string
  /** ms each delivery is leased for, when the sender chose it */
  lease?: number
  /** set on replies: the id of the request message it answers */
  inReplyTo?: string
  /** on a pushed `message` event: ms this delivery is leased for; renew (queue.extend) before it runs out */
  leaseMs?: number
}

/** `queue.ls`: exact counts, and a window of each list (see `truncated`). */
export interface QueueListingResult {
  counts: { pending: number; inFlight: number; dead: number }
  pending: WireMessage[]
  inFlight: Array<WireMessage & { leasedTo: string; leaseExpiresAt: number; progress?: unknown }>
  dead: WireMessage[]
  /** a list given here stops before its end (by `limit` or the byte budget): ask again with a larger `offset` */
  truncated: boolean
}

/** `queue.dead`: every agent's dead letters, oldest first, paged like `queue.ls`. */
export interface DeadLettersResult {
  counts: { dead: number }
  dead: WireMessage[]
  truncated: boolean
}

/** The lists of `queue.ls`, for its `only` param. */
export const QUEUE_LISTS = ['pending', 'inFlight', 'dead'] as const
export type QueueListName = (typeof QUEUE_LISTS)[number]

/** Events the daemon pushes (`{ event, data }`). */
export const PushedEvent = {
  /** data: a WireMessage leased to this connection (with `leaseMs`) */
  MESSAGE: 'message',
  /** data: {}; a newer connection of the same agent id took the consumer; nothing more is pushed here until it closes or this one consumes again */
  CONSUMER_REPLACED: 'consumer.replaced',
  /** data: {}; the newer connection closed, and this one receives again */
  CONSUMER_RESUMED: 'consumer.resumed',
} as const
