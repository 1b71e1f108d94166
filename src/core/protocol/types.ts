import type * as v from 'valibot'
import type {
  AgentDescriptionSchema,
  AgentEventSchema,
  AgentInfoSchema,
  DaemonStatusSchema,
  DeadLettersResultSchema,
  InFlightMessageSchema,
  QueueListingResultSchema,
  UsageSampleSchema,
  WireMessageSchema,
} from './schemas/shapes.js'
import type { HistogramSchema, MetricsSnapshotSchema } from './schemas/metrics.js'

/**
 * Shapes carried by the protocol, shared by daemon, CLI and SDK: each the
 * type of its schema in ./schemas/shapes.ts (imported for its type only, so
 * whoever needs just the types loads no schema code).
 */

export { AGENT_STATUSES, type AgentStatus } from './agent-statuses.js'

export type AgentEvent = v.InferOutput<typeof AgentEventSchema>
export type UsageSample = v.InferOutput<typeof UsageSampleSchema>
/** One row of `orch ls`. */
export type AgentInfo = v.InferOutput<typeof AgentInfoSchema>
export type AgentDescription = v.InferOutput<typeof AgentDescriptionSchema>
export type DaemonStatus = v.InferOutput<typeof DaemonStatusSchema>
/** A message as the daemon pushes it (event `message`) and lists it. */
export type WireMessage = v.InferOutput<typeof WireMessageSchema>
export type InFlightWireMessage = v.InferOutput<typeof InFlightMessageSchema>
/** `queue.ls`: exact counts, and a window of each list (see `truncated`). */
export type QueueListingResult = v.InferOutput<typeof QueueListingResultSchema>
/** `queue.dead`: every agent's dead letters, oldest first, paged like `queue.ls`. */
export type DeadLettersResult = v.InferOutput<typeof DeadLettersResultSchema>

/** The lists of `queue.ls`, for its `only` param. */
export const QUEUE_LISTS = ['pending', 'inFlight', 'dead'] as const
export type QueueListName = (typeof QUEUE_LISTS)[number]

/** Events the daemon pushes (`{ event, data }`); their data: ./events.ts. */
export const PushedEvent = {
  /** data: a WireMessage leased to this connection (with `leaseMs`) */
  MESSAGE: 'message',
  /** data: {}; a newer connection of the same agent id took the consumer; nothing more is pushed here until it closes or this one consumes again */
  CONSUMER_REPLACED: 'consumer.replaced',
  /** data: {}; the newer connection closed, and this one receives again */
  CONSUMER_RESUMED: 'consumer.resumed',
} as const

/** `daemon.metrics`: the figures behind `/metrics` and `orch monit`. */
export type MetricsSnapshot = v.InferOutput<typeof MetricsSnapshotSchema>
export type MetricsHistogram = v.InferOutput<typeof HistogramSchema>
