import * as v from 'valibot'
import { AgentStatusSchema } from './shapes.js'
import { integer, note } from './notes.js'

/** `daemon.metrics`: the figures behind `/metrics` and `orch monit`, as JSON. */

export const HistogramSchema = v.object({
  le: note(v.array(v.number()), 'upper bounds of the buckets, seconds (+Inf implied after the last)'),
  cumulative: note(v.array(integer()), 'observations <= each bound, then the +Inf count: cumulative, as Prometheus buckets'),
  count: integer(),
  sum: note(v.number(), 'seconds'),
})

export const AgentMetricsSchema = v.object({
  id: note(v.string(), 'instance id'),
  name: v.string(),
  instance: integer(),
  status: AgentStatusSchema,
  pid: v.nullable(integer()),
  uptime: note(integer(), 'ms since the current process started; 0 when not running'),
  restarts: integer(),
  cpu: note(v.number(), '% of one core, latest sample'),
  memory: note(integer(), 'RSS bytes, latest sample'),
  inbox: note(integer(), 'pending messages for this instance (as `agents.list`)'),
  inFlight: note(integer(), 'delivered and not yet acked or nacked'),
  history: note(v.object({ cpu: v.array(v.number()), memory: v.array(integer()) }), 'the last samples, oldest first (one per `monitorInterval`), for sparklines'),
})

export const RecipientMetricsSchema = v.object({
  agent: note(v.string(), "the recipient's agent name; `cli` for every CLI address"),
  dead: note(integer(), 'dead letters now'),
  sent: note(integer(), 'counters since the daemon started: messages stored for it (one per topic copy)'),
  delivered: integer(),
  acked: integer(),
  nacked: integer(),
  deadLettered: integer(),
  expired: integer(),
  handlerDuration: note(v.object({ acked: HistogramSchema, nacked: HistogramSchema }), 'delivered → acked / nacked'),
  queueWait: note(HistogramSchema, 'stored (or the end of its `delay`) → first delivery'),
})

export const MetricsSnapshotSchema = v.object({
  at: note(integer(), 'ms since the epoch'),
  endpoint: note(v.nullable(v.string()), 'the URL `/metrics` is served at, or null when it is not'),
  daemon: v.object({
    pid: integer(),
    uptime: note(integer(), 'ms'),
    cpu: note(v.number(), '% of one core, latest sample'),
    cpuSeconds: note(v.number(), 'user + system CPU time since it started'),
    memory: note(integer(), 'RSS bytes'),
    heapUsed: integer(),
    eventLoopLag: note(v.object({ mean: v.number(), p99: v.number(), max: v.number() }), 'seconds, over the last 10 s window'),
  }),
  queue: note(v.object({ pending: integer(), inFlight: integer(), dead: integer() }), 'totals'),
  agents: note(v.array(AgentMetricsSchema), 'every instance, by name then instance'),
  recipients: note(v.array(RecipientMetricsSchema), 'every agent defined, and every other recipient seen since the daemon started'),
})
