import type { Schema } from '../schema/field.js'
import { MAX_DURATION_MS, MIN_LEASE_MS } from '../schema/units.js'
import { QUEUE_LISTS, type AgentDescription, type AgentInfo, type DaemonStatus, type DeadLettersResult, type QueueListingResult, type QueueListName } from './types.js'

/** Every method the daemon answers: its params and its result. */
export interface Methods {
  /**
   * An agent says which instance it is and proves it with the token orch put
   * in its environment (ORCH_AGENT_TOKEN, new at each spawn); an agent the
   * config declares `type: 'external'` needs none. A CLI needs no token.
   */
  hello: {
    params: { version: number; client: 'cli' | 'agent'; agent?: string; token?: string; pid?: number }
    result: { version: number; daemonPid: number }
  }
  'daemon.status': { params: Record<string, never>; result: DaemonStatus }
  'daemon.shutdown': { params: { stopAgents?: boolean; reason?: string }; result: { stopped: string[] } }
  'agents.start': {
    params: { configPath?: string; cwd?: string; only?: string; target?: string }
    result: { started: string[]; unchanged: string[]; agents: AgentInfo[] }
  }
  'agents.list': { params: Record<string, never>; result: AgentInfo[] }
  'agents.stop': { params: { target: string }; result: AgentInfo[] }
  'agents.restart': { params: { target: string }; result: AgentInfo[] }
  'agents.delete': { params: { target: string }; result: { deleted: string[] } }
  /** `all` answers every instance (an empty list when there are none); a name or an instance id, one description. */
  'agents.describe': { params: { name: string }; result: AgentDescription | AgentDescription[] }
  'agents.resurrect': { params: Record<string, never>; result: { started: string[] } }
  'agent.ready': { params: Record<string, never>; result: { ok: true } }
  /** `duplicate` when a send with the same `key` was already stored: `ids` are the first send's. */
  'queue.send': { params: SendParams; result: { ids: string[]; duplicate?: true } }
  /** Several sends in one frame: each is checked and stored on its own; results are in order. */
  'queue.sendMany': { params: { messages: SendParams[] }; result: { results: SendManyResult[] } }
  /**
   * Start receiving `message` events. `concurrency` and `lease` override the
   * config's for this connection. `id` is the address this connection
   * receives at: the agent's instance id, or `cli.N` for a CLI.
   */
  'queue.consume': { params: { concurrency?: number; lease?: number }; result: { ok: true; id: string } }
  /** Renews the leases of messages this instance holds, each by its own lease duration. */
  'queue.extend': { params: { ids: string[] }; result: { ok: true; failed?: Array<{ id: string; code: string; message: string }> } }
  /** Records a handler's progress (any JSON, shown by `orch queue ls`) and renews the lease. */
  'queue.progress': { params: { id: string; progress: unknown }; result: { ok: true } }
  /** `ids` acks several at once: an SDK coalesces the acks of one tick into one frame */
  'queue.ack': { params: { id?: string; ids?: string[] }; result: { ok: true; failed?: Array<{ id: string; code: string; message: string }> } }
  'queue.nack': { params: { id: string; error?: string }; result: { ok: true } }
  'queue.subscribe': { params: { topic: string }; result: { ok: true } }
  'queue.unsubscribe': { params: { topic: string }; result: { ok: true } }
  /** `offset` skips that many of each list; `only` lists one of them (to page it past the byte budget). */
  'queue.ls': { params: { agent?: string; limit?: number; offset?: number; only?: QueueListName }; result: QueueListingResult }
  'queue.dead': { params: { limit?: number; offset?: number }; result: DeadLettersResult }
  'queue.replay': { params: { id: string }; result: { replayed: number } }
  'queue.purge': { params: { agent: string }; result: { purged: number } }
}

export type SendManyResult = { ids: string[]; duplicate?: true } | { error: { code: string; message: string; data?: unknown } }

export interface SendParams {
  to: string
  type: string
  payload?: unknown
  priority?: number
  correlationId?: string
  replyTo?: string
  hops?: number
  /** ms before it may be delivered */
  delay?: number
  /** ms after which an undelivered message is dead-lettered */
  ttl?: number
  /** ms each delivery of this message is leased for (default: the recipient's leaseTimeout) */
  lease?: number
  /** idempotency key: a second send with the same key while the first is pending, in flight or acked within the key window is not stored again */
  key?: string
  /** the id of the request message this one answers; replies bypass the recipient's concurrency */
  inReplyTo?: string
}

export type MethodName = keyof Methods
export type ParamsOf<M extends MethodName> = Methods[M]['params']
export type ResultOf<M extends MethodName> = Methods[M]['result']

const target = { target: { kind: 'string', required: true, nonEmpty: true } } as const
/** Milliseconds a timer can wait (see MAX_DURATION_MS); a lease also needs time to be renewed (MIN_LEASE_MS). */
const ms = (min: number) => ({ kind: 'integer', min, max: MAX_DURATION_MS }) as const
const lease = ms(MIN_LEASE_MS)

/** Param schemas, checked by the daemon before a handler runs. */
export const METHOD_PARAMS: Record<MethodName, Schema> = {
  hello: {
    version: { kind: 'integer', required: true, min: 1 },
    client: { kind: 'enum', required: true, values: ['cli', 'agent'] },
    agent: { kind: 'string', nonEmpty: true },
    token: { kind: 'string' },
    pid: { kind: 'integer', min: 1 },
  },
  'daemon.status': {},
  'daemon.shutdown': { stopAgents: { kind: 'boolean' }, reason: { kind: 'string' } },
  'agents.start': {
    configPath: { kind: 'string', nonEmpty: true },
    cwd: { kind: 'string', nonEmpty: true },
    only: { kind: 'string', nonEmpty: true },
    target: { kind: 'string', nonEmpty: true },
  },
  'agents.list': {},
  'agents.stop': target,
  'agents.restart': target,
  'agents.delete': target,
  'agents.describe': { name: { kind: 'string', required: true, nonEmpty: true } },
  'agents.resurrect': {},
  'agent.ready': {},
  'queue.send': {
    to: { kind: 'string', required: true, nonEmpty: true },
    type: { kind: 'string', required: true, nonEmpty: true },
    payload: { kind: 'json' },
    priority: { kind: 'integer' },
    correlationId: { kind: 'string', nonEmpty: true },
    replyTo: { kind: 'string', nonEmpty: true },
    hops: { kind: 'integer', min: 0 },
    delay: ms(0),
    ttl: ms(1),
    lease,
    key: { kind: 'string', nonEmpty: true },
    inReplyTo: { kind: 'string', nonEmpty: true },
  },
  'queue.sendMany': { messages: { kind: 'json', required: true } },
  'queue.consume': { concurrency: { kind: 'integer', min: 1, max: 10_000 }, lease },
  'queue.extend': { ids: { kind: 'stringArray', required: true } },
  'queue.progress': { id: { kind: 'string', required: true, nonEmpty: true }, progress: { kind: 'json', required: true } },
  'queue.ack': { id: { kind: 'string', nonEmpty: true }, ids: { kind: 'stringArray' } },
  'queue.nack': { id: { kind: 'string', required: true, nonEmpty: true }, error: { kind: 'string' } },
  // a string here; whether it names a topic (empty included) is the queue's one rule, E_INVALID_MESSAGE (queue/topic-name.ts)
  'queue.subscribe': { topic: { kind: 'string', required: true } },
  'queue.unsubscribe': { topic: { kind: 'string', required: true } },
  'queue.ls': {
    agent: { kind: 'string', nonEmpty: true },
    limit: { kind: 'integer', min: 0 },
    offset: { kind: 'integer', min: 0 },
    only: { kind: 'enum', values: QUEUE_LISTS },
  },
  'queue.dead': { limit: { kind: 'integer', min: 0 }, offset: { kind: 'integer', min: 0 } },
  'queue.replay': { id: { kind: 'string', required: true, nonEmpty: true } },
  'queue.purge': { agent: { kind: 'string', required: true, nonEmpty: true } },
}

export function isMethodName(m: string): m is MethodName {
  return Object.prototype.hasOwnProperty.call(METHOD_PARAMS, m)
}
