import * as v from 'valibot'
import { AGENT_STATUSES } from '../agent-statuses.js'
import { integer, note, opt } from './notes.js'

/** The shapes results and events are built of, shared by daemon, CLI and SDK (types: ../types.ts). */

export const AgentStatusSchema = v.picklist(AGENT_STATUSES)

export const AgentEventSchema = v.object({
  at: note(integer(), 'ms since the epoch'),
  from: v.nullable(AgentStatusSchema),
  to: AgentStatusSchema,
  reason: note(v.string(), 'exit code or signal, "too many restarts: 4 in 60s", "memory 412MB > 300MB"…'),
})

export const UsageSampleSchema = v.object({
  at: integer(),
  cpu: note(v.number(), '% of one core'),
  memory: note(integer(), 'RSS, bytes'),
})

/** One row of `orch ls`. */
export const AgentInfoSchema = v.object({
  id: note(v.string(), "instance id: the name alone for one instance, 'name:N' for several"),
  name: v.string(),
  instance: note(integer(), 'N, from 0'),
  type: note(v.string(), "agent type; 'external' for an agent orch does not start"),
  status: AgentStatusSchema,
  pid: note(v.nullable(integer()), 'null when not running; for an external agent, the pid it said hello with'),
  uptime: note(integer(), 'ms since the current process started; 0 when not running'),
  restarts: integer(),
  cpu: note(v.number(), '% of one core, latest sample'),
  memory: note(integer(), 'bytes (RSS), latest sample'),
  inbox: note(
    integer(),
    "pending messages for this instance: those addressed to its id plus its share of those addressed to its name, so that the rows of a name add up to its pending messages, none counted twice",
  ),
  inFlight: note(integer(), 'messages delivered to this instance and not yet acked or nacked'),
  desired: v.picklist(['running', 'stopped']),
})

export const AgentDescriptionSchema = v.object({
  ...AgentInfoSchema.entries,
  definition: note(v.record(v.string(), v.unknown()), "the agent's entry in the config, as written"),
  configPath: v.nullable(v.string()),
  command: v.string(),
  args: v.array(v.string()),
  cwd: v.string(),
  logs: note(v.object({ out: v.string(), err: v.string() }), 'paths of its log files'),
  watch: note(v.array(v.string()), 'absolute paths whose changes restart it; empty when it does not watch'),
  ignoreWatch: note(v.array(v.string()), "its `ignoreWatch` as written (node_modules, .git and ORCH_HOME are never watched)"),
  events: note(v.array(AgentEventSchema), 'the last 20 state changes'),
  usage: note(v.array(UsageSampleSchema), 'the last 20 resource samples'),
})

export const RecoveredFileSchema = v.object({
  file: v.string(),
  lines: integer(),
  movedTo: note(v.nullable(v.string()), 'where the unreadable lines were kept; null when they could not be'),
  reason: v.string(),
  at: integer(),
})

export const DaemonStatusSchema = v.object({
  pid: integer(),
  uptime: note(integer(), 'ms'),
  cpu: note(v.number(), '% of one core'),
  memory: note(integer(), 'RSS, bytes'),
  heapUsed: note(integer(), 'V8 heap in use, bytes'),
  version: note(v.string(), "orch's version"),
  protocolVersion: integer(),
  home: v.string(),
  socket: v.string(),
  agents: note(integer(), 'instances defined'),
  watchdogPid: note(v.nullable(integer()), 'the process that restarts a background daemon that dies; null for `orch daemon run`'),
  metrics: note(v.nullable(v.string()), 'the URL Prometheus metrics are served at (config `metrics` or `ORCH_METRICS`); null when they are not'),
  recovered: note(v.array(RecoveredFileSchema), 'repairs made at start-up: damaged data files whose unreadable lines were moved aside'),
})

/** A message as the daemon pushes it (event `message`) and lists it. */
export const WireMessageSchema = v.object({
  id: note(v.string(), 'a UUID, stable across redeliveries; ack with it'),
  from: note(v.string(), 'sender: an agent name, an instance id such as `worker:0`, or `cli`'),
  to: note(v.string(), 'as addressed (`agent`, `agent:2`), or for a topic copy the subscriber\'s instance id'),
  topic: opt(v.string(), 'topic copies only: the topic name without `topic:`'),
  type: v.string(),
  priority: note(integer(), 'higher first'),
  payload: note(v.unknown(), '`null` when none was sent'),
  correlationId: opt(v.string()),
  parentId: opt(v.string(), 'the `id` of the message whose handling caused this one'),
  replyTo: opt(v.string()),
  hops: note(integer(), 'how many messages caused this one; sends over the limit are refused to stop loops'),
  attempts: note(integer(), 'delivery attempts that failed (nack, lease timeout, recipient gone): 0 on the first delivery'),
  createdAt: note(integer(), 'ms since the epoch'),
  notBefore: opt(integer(), 'not delivered before (ms since the epoch): set by `delay`'),
  expiresAt: opt(integer(), 'dead-lettered if not delivered by then: set by `ttl`'),
  lastError: opt(v.string(), 'why the last delivery failed (nack reason, lease expiry…), or why it was dead-lettered'),
  deadAt: opt(integer(), 'dead letters only: when it died (ms since the epoch)'),
  key: opt(v.string(), 'the idempotency key it was sent with'),
  lease: opt(integer(), 'the lease (ms) the sender asked for'),
  inReplyTo: opt(v.string(), 'replies only: the `id` of the request message it answers'),
  leaseMs: opt(integer(), 'pushed `message` events only: ms this delivery is leased for; renew it (`queue.extend`) every `leaseMs / 3` while you handle it'),
})

export const InFlightMessageSchema = v.object({
  ...WireMessageSchema.entries,
  leasedTo: note(v.string(), 'the instance (or CLI address) holding it'),
  leaseExpiresAt: note(integer(), 'ms since the epoch'),
  progress: opt(v.unknown(), 'the last queue.progress of this delivery'),
})

export const QueueListingResultSchema = v.object({
  counts: note(v.object({ pending: integer(), inFlight: integer(), dead: integer() }), 'totals, whatever the lists show'),
  pending: note(v.array(WireMessageSchema), 'best first'),
  inFlight: note(v.array(InFlightMessageSchema), 'oldest lease first'),
  dead: note(v.array(WireMessageSchema), 'oldest first'),
  truncated: note(v.boolean(), 'a list given here stops before its end (by `limit` or the byte budget): ask again with a larger `offset`'),
})

export const DeadLettersResultSchema = v.object({
  counts: note(v.object({ dead: integer() }), 'the total, whatever the list shows'),
  dead: note(v.array(WireMessageSchema), 'oldest first'),
  truncated: note(v.boolean(), 'the list stops before its end: ask again with a larger `offset`'),
})

/** The named shapes docs/protocol.md describes once and refers to. */
export const SHAPES = {
  AgentInfo: AgentInfoSchema,
  AgentDescription: AgentDescriptionSchema,
  WireMessage: WireMessageSchema,
  InFlightMessage: InFlightMessageSchema,
  AgentEvent: AgentEventSchema,
  UsageSample: UsageSampleSchema,
  RecoveredFile: RecoveredFileSchema,
} as const
