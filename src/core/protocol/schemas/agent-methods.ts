import * as v from 'valibot'
import { int, json, oneOf, str, strings } from '../../schema/fields.js'
import { MIN_LEASE_MS } from '../../schema/units.js'
import { ErrorCode } from '../error-codes.js'
import { method } from './method.js'
import { integer, note, ok, opt } from './notes.js'
import { FailedIdSchema, ms, SendManyResultSchema, SendParamsSchema, SendResultSchema } from './send.js'

const id = () => str({ nonEmpty: true })
const okWithFailed = v.object({
  ok: ok(),
  failed: opt(v.array(FailedIdSchema), 'the ids that could not be acted on (`E_NOT_LEASED`…); the others were'),
})

/** What an agent (or a CLI waiting for a reply) calls: hello, consuming and sending. */
export const AGENT_METHODS = {
  hello: method({
    doc: 'The first request on every connection, and only once: a second `hello` is `E_PROTOCOL` and changes nothing. An agent says which instance it is and proves it with the token orch put in its environment; a CLI needs no token.',
    params: v.object({
      version: note(int({ min: 1 }), 'the protocol version the client speaks: `1`'),
      client: oneOf(['cli', 'agent'] as const),
      agent: opt(str({ nonEmpty: true }), 'your instance id, i.e. `ORCH_AGENT_ID`; only used when `client` is `"agent"`'),
      token: opt(str(), '`ORCH_AGENT_TOKEN` from your environment, as is; required for an agent orch spawned, omitted for an [external agent](#agent-identity) and a CLI'),
      pid: opt(int({ min: 1 }), 'your process id (`os.getpid()`); `orch ls` shows it for an external agent'),
    }),
    result: v.object({ version: note(integer(), "the daemon's protocol version"), daemonPid: integer() }),
    errors: [ErrorCode.VERSION_MISMATCH, ErrorCode.AGENT_REFUSED, ErrorCode.BUSY, ErrorCode.PROTOCOL],
  }),
  'agent.ready': method({
    caller: 'agent',
    doc: 'The agent is ready: it goes `online` now rather than after its start grace.',
    params: v.object({}),
    result: v.object({ ok: ok() }),
    errors: [ErrorCode.NOT_AN_AGENT],
  }),
  'queue.consume': method({
    doc: "Start receiving `message` events, at most `concurrency` unacked at once. `concurrency` and `lease` override the config's for this connection.",
    params: v.object({
      concurrency: opt(int({ min: 1, max: 10_000 }), "messages handled at once (default: the agent's `concurrency`, 1)"),
      lease: opt(ms(MIN_LEASE_MS), "ms each delivery is leased for (default: the agent's `leaseTimeout`)"),
    }),
    result: v.object({ ok: ok(), id: note(v.string(), 'the address this connection receives at: your instance id, or `cli.PID-N` for a CLI') }),
  }),
  'queue.send': method({
    doc: 'Put a message on the queue. Answered once it is written to disk: after that, a crash of the daemon loses nothing.',
    params: SendParamsSchema,
    result: SendResultSchema,
    errors: [ErrorCode.INVALID_MESSAGE, ErrorCode.UNKNOWN_RECIPIENT, ErrorCode.STORE_FULL],
  }),
  'queue.sendMany': method({
    doc: 'Several sends in one frame: each is checked and stored on its own (one bad send fails alone); results are in the order sent.',
    params: v.object({ messages: note(v.array(SendParamsSchema), 'the sends, each as `queue.send` params') }),
    checkedAs: v.object({ messages: v.message(v.array(v.unknown()), 'an array of sends') }),
    result: v.object({ results: note(v.array(SendManyResultSchema), 'one per send, in order: its `queue.send` result or its `error`') }),
  }),
  'queue.extend': method({
    caller: 'agent, or consuming',
    doc: 'Renews the leases of messages this instance holds, each by its own lease duration.',
    params: v.object({ ids: strings() }),
    result: okWithFailed,
    errors: [ErrorCode.NOT_AN_AGENT],
  }),
  'queue.progress': method({
    caller: 'agent, or consuming',
    doc: "Records a handler's progress (shown by `queue.ls` as `inFlight[].progress`) and renews that lease like `queue.extend`.",
    params: v.object({ id: id(), progress: note(json(), 'any JSON') }),
    result: v.object({ ok: ok() }),
    errors: [ErrorCode.NOT_LEASED, ErrorCode.NOT_AN_AGENT],
  }),
  'queue.ack': method({
    caller: 'agent, or consuming',
    doc: 'Acks one message (`id`) or a batch (`ids`; SDKs coalesce the acks of one event-loop turn); give at least one. Ids that cannot be acked are listed in `failed` instead of failing the call; `E_NOT_LEASED` comes as an error only for `id` alone.',
    params: v.object({ id: opt(id()), ids: opt(strings()) }),
    result: okWithFailed,
    errors: [ErrorCode.NOT_LEASED, ErrorCode.BAD_PARAMS],
  }),
  'queue.nack': method({
    caller: 'agent, or consuming',
    doc: 'Gives a message back: it is delivered again (attempts + 1), or dead-lettered past `maxAttempts`.',
    params: v.object({ id: id(), error: opt(str(), 'why, kept as `lastError` (default `"nacked"`)') }),
    result: v.object({ ok: ok() }),
    errors: [ErrorCode.NOT_LEASED],
  }),
  'queue.subscribe': method({
    caller: 'agent',
    doc: 'Messages sent to `topic:NAME` reach this agent from now on.',
    // any string here: whether it names a topic (the empty one included) is the queue's one rule, E_INVALID_MESSAGE (queue/topic-name.ts)
    params: v.object({ topic: note(str(), '`news` or `topic:news`, a [topic name](#topic-names)') }),
    result: v.object({ ok: ok() }),
    errors: [ErrorCode.INVALID_MESSAGE],
  }),
  'queue.unsubscribe': method({
    caller: 'agent',
    doc: 'Stops a subscription.',
    params: v.object({ topic: note(str(), 'likewise') }),
    result: v.object({ ok: ok() }),
    errors: [ErrorCode.INVALID_MESSAGE],
  }),
} as const
