import type { MethodName, ParamsOf, ResultOf, SendManyResult, SendParams } from '../../protocol/methods.js'
import { SendParamsSchema } from '../../protocol/schemas/send.js'
import { ErrorCode } from '../../errors/codes.js'
import { dropNullOptionals } from '../../protocol/null-params.js'
import { OrchError } from '../../errors/orch-error.js'
import { formatProblems, isPlainObject, problemsOf } from '../../schema/problems.js'
import type { WireMessage } from '../../protocol/types.js'
import type { Message, SendInput } from '../../queue/message.js'
import type { SendOutcome } from '../../queue/queue.js'
import type { Recipient } from '../../queue/queue-options.js'
import { agentOfKey } from '../../queue/addressing.js'
import { DEFAULT_CONCURRENCY, DEFAULT_LEASE_TIMEOUT_MS } from '../../config/defaults.js'
import { PushedEvent } from '../../protocol/types.js'
import { pushedFrame } from '../../protocol/events.js'
import { messageEventText } from '../message-event.js'
import type { Connection } from '../connection.js'
import type { DaemonContext, Handler } from '../context.js'
import { BadParamsError } from '../../errors/bad-params-error.js'
import { NotAnAgentError } from '../../errors/not-an-agent-error.js'
import { UnknownAgentError } from '../../errors/unknown-agent-error.js'

type H<M extends MethodName> = Handler<ParamsOf<M>, ResultOf<M>>

/** 'cli.7': a dot never appears in an agent name, so a CLI's address cannot clash with an agent's. */
export const CLI_ADDRESS_PREFIX = 'cli.'

/** Listings are capped: a queue can hold far more than a terminal wants. */
export const DEFAULT_LIST_LIMIT = 100
/**
 * Payloads reach 256 KiB: a listing's messages take at most this many bytes
 * of JSON, well under the 1 MiB frame cap (counts stay exact).
 */
export const LISTING_BUDGET_BYTES = 768 * 1024

/** What is left for the messages of one answer; its first message is always taken, so paging moves on. */
interface Budget {
  bytes: number
  taken: number
}
const newBudget = (): Budget => ({ bytes: LISTING_BUDGET_BYTES, taken: 0 })

/** Messages [offset, offset + limit) of a list, as many as fit in what is left of the budget, in order. */
function page<T>(all: T[], offset: number, limit: number, budget: Budget): T[] {
  const out: T[] = []
  for (const m of all.slice(offset, offset + limit)) {
    const size = Buffer.byteLength(JSON.stringify(m), 'utf8')
    if (size > budget.bytes && budget.taken > 0) break
    budget.bytes -= size
    budget.taken++
    out.push(m)
  }
  return out
}

function agentOf(conn: Connection, what: string): string {
  if (!conn.agent) throw new NotAnAgentError(`only an agent can ${what}: say hello with client 'agent' and your ORCH_AGENT_ID first`)
  return conn.agent
}

/** Who holds what this connection received: its agent instance, or the CLI's own address once it consumes. */
function consumerOf(conn: Connection, what: string): string {
  return conn.recipient?.id ?? agentOf(conn, what)
}

/**
 * A CLI connection that consumes (to wait for a reply) receives at this
 * address. The daemon's pid makes it unique across daemon restarts, so a
 * reply left over for a CLI that left never reaches a later one.
 */
export const cliAddress = (conn: Connection): string => `${CLI_ADDRESS_PREFIX}${process.pid}-${conn.id}`

/** A reply to a CLI that left would wait forever: messages to a CLI address expire (to the dead letters) unless the sender sets a ttl. */
export const CLI_MESSAGE_TTL_MS = 60_000

/** A name no config defines is almost always a typo: say so rather than show an empty queue. */
function knownAgent(ctx: DaemonContext, name: string): void {
  if (ctx.supervisor.ofAgent(name.split(':')[0]!).length === 0) {
    throw new UnknownAgentError(`no agent named '${name}'; known: ${ctx.supervisor.agentNames().join(', ')}`)
  }
}

const wire = ({ seq: _seq, ackedAt: _ackedAt, ...m }: Message): WireMessage => m

/** What a `queue.send`'s params ask the queue for. */
function sendInputOf(p: SendParams, conn: Connection): SendInput {
  return {
    from: conn.agent ?? 'cli',
    to: p.to,
    type: p.type,
    payload: p.payload,
    priority: p.priority,
    correlationId: p.correlationId,
    parentId: p.parentId,
    replyTo: p.replyTo,
    hops: p.hops,
    delayMs: p.delay,
    ttlMs: p.ttl ?? (p.to.startsWith(CLI_ADDRESS_PREFIX) ? CLI_MESSAGE_TTL_MS : undefined),
    leaseMs: p.lease,
    key: p.key,
    inReplyTo: p.inReplyTo,
  }
}

const sendResult = ({ messages, duplicate }: SendOutcome): ResultOf<'queue.send'> => {
  const ids = messages.map((m) => m.id)
  return duplicate ? { ids, duplicate: true } : { ids }
}

/** Answered once the message is in the store: a `kill -9` after this reply loses nothing. Its params were checked against SendParamsSchema by the server. */
export const queueSend: H<'queue.send'> = async (p, ctx, conn) => sendResult(await ctx.queue.sendChecked(sendInputOf(p, conn)))

/**
 * Several sends in one frame (an SDK coalesces the sends of one tick). Each
 * is checked on its own (one bad message fails alone, with its error); the
 * good ones are stored by one write and answered together when it is done.
 */
export const queueSendMany: H<'queue.sendMany'> = async (p, ctx, conn) => {
  const results: SendManyResult[] = []
  const inputs: SendInput[] = []
  /** where each input's result goes */
  const at: number[] = []
  for (const m of p.messages as unknown[]) {
    const send = isPlainObject(m) ? dropNullOptionals(SendParamsSchema, m) : m
    const problems = isPlainObject(send) ? problemsOf(SendParamsSchema, send) : [{ field: 'messages[]', value: m, allowed: 'an object' }]
    if (problems.length > 0) {
      results.push({ error: { code: ErrorCode.BAD_PARAMS, message: `bad send: ${formatProblems(problems)}` } })
      continue
    }
    at.push(results.length)
    results.push({ ids: [] })
    inputs.push(sendInputOf(send as SendParams, conn))
  }
  const outcomes = inputs.length > 0 ? await ctx.queue.sendCheckedMany(inputs) : []
  outcomes.forEach((o, i) => {
    if (!(o instanceof Error)) results[at[i]!] = sendResult(o)
    else if (o instanceof OrchError) results[at[i]!] = { error: { code: o.code, message: o.message } }
    else throw o
  })
  return { results }
}

/**
 * From now on messages are pushed to this connection as `message` events,
 * at most `concurrency` unacked at once (replies aside). A second consume on
 * the same connection takes the consumer back after a newer connection of
 * the same agent replaced it. A CLI connection consumes at its own address.
 */
export const queueConsume: H<'queue.consume'> = (p, ctx, conn) => {
  if (!conn.recipient) {
    const id = conn.agent ?? cliAddress(conn)
    const definition = conn.agent ? ctx.supervisor.get(conn.agent)?.record.agent : undefined
    const recipient: Recipient = {
      id,
      name: conn.agent ? agentOfKey(id) : id,
      maxInFlight: p.concurrency ?? definition?.concurrency ?? DEFAULT_CONCURRENCY,
      leaseMs: p.lease ?? definition?.leaseTimeoutMs ?? DEFAULT_LEASE_TIMEOUT_MS,
      deliver: (m, leaseMs) => {
        conn.sendEncoded(messageEventText(m, leaseMs), PushedEvent.MESSAGE, 'now')
      },
      replaced: () => conn.send(pushedFrame(PushedEvent.CONSUMER_REPLACED, {})),
      resumed: () => conn.send(pushedFrame(PushedEvent.CONSUMER_RESUMED, {})),
    }
    conn.recipient = recipient
    conn.onClose(() => ctx.queue.detach(id, 'disconnected', recipient))
  }
  const recipient = conn.recipient
  // Attach after this reply is written, so the agent sees the reply before its first message.
  setImmediate(() => {
    if (!conn.closed) ctx.queue.attach(recipient)
  })
  return { ok: true, id: recipient.id }
}

/** Renews the leases of messages this connection's instance holds. */
export const queueExtend: H<'queue.extend'> = (p, ctx, conn) => {
  const failed = ctx.queue.extend(consumerOf(conn, 'extend a lease'), p.ids)
  return failed.length > 0 ? { ok: true, failed } : { ok: true }
}

export const queueProgress: H<'queue.progress'> = (p, ctx, conn) => {
  ctx.queue.progress(consumerOf(conn, 'report progress'), p.id, p.progress)
  return { ok: true }
}

export const queueAck: H<'queue.ack'> = async (p, ctx, conn) => {
  const agent = consumerOf(conn, 'ack')
  if (p.id !== undefined && p.ids === undefined) {
    await ctx.queue.ack(agent, p.id)
    return { ok: true }
  }
  const ids = [...(p.ids ?? []), ...(p.id !== undefined ? [p.id] : [])]
  if (ids.length === 0) throw new BadParamsError("bad params for 'queue.ack': give 'id' or 'ids'")
  const errors = await ctx.queue.ackMany(agent, ids)
  if (errors.length === 0) return { ok: true }
  return { ok: true, failed: errors.map(({ id, error }) => ({ id, code: (error as { code?: string }).code ?? 'E_INTERNAL', message: error.message })) }
}

export const queueNack: H<'queue.nack'> = async (p, ctx, conn) => {
  await ctx.queue.nack(consumerOf(conn, 'nack'), p.id, p.error ?? 'nacked')
  return { ok: true }
}

export const queueSubscribe: H<'queue.subscribe'> = async (p, ctx, conn) => {
  await ctx.queue.subscribe(agentOf(conn, 'subscribe'), p.topic)
  return { ok: true }
}

export const queueUnsubscribe: H<'queue.unsubscribe'> = async (p, ctx, conn) => {
  await ctx.queue.unsubscribe(agentOf(conn, 'unsubscribe'), p.topic)
  return { ok: true }
}

/**
 * Each list is the window [offset, offset + length) of its whole list;
 * `truncated` says a window listed here stops before its list's end (by
 * `limit` or by the byte budget). `only` lists one of the three, to page it.
 */
export const queueLs: H<'queue.ls'> = (p, ctx) => {
  if (p.agent !== undefined) knownAgent(ctx, p.agent)
  const limit = p.limit ?? DEFAULT_LIST_LIMIT
  const offset = p.offset ?? 0
  const budget = newBudget()
  const l = ctx.queue.list(p.agent)
  const counts = { pending: l.pending.length, inFlight: l.inFlight.length, dead: l.dead.length }
  const listed = (which: keyof typeof counts) => p.only === undefined || p.only === which
  const pending = listed('pending') ? page(l.pending.map(wire), offset, limit, budget) : []
  const inFlight = listed('inFlight') ? page(l.inFlight.map(({ seq: _s, ackedAt: _a, ...m }) => m), offset, limit, budget) : []
  const dead = listed('dead') ? page(l.dead.map(wire), offset, limit, budget) : []
  const cut = (which: keyof typeof counts, shown: unknown[]) => listed(which) && offset + shown.length < counts[which]
  const truncated = cut('pending', pending) || cut('inFlight', inFlight) || cut('dead', dead)
  return { counts, pending, inFlight, dead, truncated }
}

/** Every agent's dead letters, oldest first, paged like `queue.ls`. */
export const queueDead: H<'queue.dead'> = (p, ctx) => {
  const all = ctx.queue.dead()
  const offset = p.offset ?? 0
  const dead = page(all.map(wire), offset, p.limit ?? DEFAULT_LIST_LIMIT, newBudget())
  return { counts: { dead: all.length }, dead, truncated: offset + dead.length < all.length }
}

export const queueReplay: H<'queue.replay'> = async (p, ctx) => ({ replayed: await ctx.queue.replay(p.id) })

export const queuePurge: H<'queue.purge'> = async (p, ctx) => {
  knownAgent(ctx, p.agent)
  return { purged: await ctx.queue.purge(p.agent) }
}
