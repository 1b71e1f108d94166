import { EventEmitter } from 'node:events'
import type { SendParams } from '../core/protocol/methods.js'
import { isEvent } from '../core/protocol/events.js'
import { PushedEvent } from '../core/protocol/types.js'
import { QueueErrorCode } from '../core/protocol/error-codes.js'
import type { Connection } from './connection.js'
import { TOPIC_PREFIX } from '../core/protocol/queue-constants.js'
import { DEFAULT_REQUEST_TIMEOUT_MS, REPLY_TYPE_SUFFIX } from './constants.js'
import { currentMessage } from './context.js'
import { AgentClosedError } from './errors/agent-closed-error.js'
import { RequestTimeoutError } from './errors/request-timeout-error.js'
import { Inbox } from './inbox.js'
import type { Logger } from './logger.js'
import { Outbox } from './outbox.js'
import { PendingRequests } from './requests.js'
import type { AgentEvents, AgentMessage, MessageHandler, ReplyOptions, RequestOptions, SendOptions } from './types.js'

/** What the Agent needs beyond its connection. */
export interface AgentSetup {
  /** sent with queue.consume (default: the config's concurrency) */
  concurrency?: number
}

/** The trace a message belongs to: its correlationId, or its own id when it starts one. */
const traceIdOf = (m: AgentMessage): string => m.correlationId ?? m.id

const bareTopic = (topic: string): string => (topic.startsWith(TOPIC_PREFIX) ? topic.slice(TOPIC_PREFIX.length) : topic)

/**
 * An agent's link to the daemon: receive, send, request/reply, topics, and a
 * logger. Get one with `connect()`. It reconnects by itself when the daemon
 * restarts, and restores consuming, subscriptions and readiness.
 */
export class Agent {
  /** JSON-lines logger; inside a handler each line carries the message's correlationId and id. */
  readonly log: Logger
  private readonly requests = new PendingRequests()
  private readonly inbox: Inbox
  private readonly outbox: Outbox
  private readonly topics = new Set<string>()
  private readonly emitter = new EventEmitter()
  private isReady = false
  private closed = false
  /** a refusal is logged once per outage, not at every retry */
  private refusalLogged = false

  constructor(
    private readonly conn: Connection,
    /** this instance's id: `name` or `name:N`; replies to this agent's requests come here */
    readonly id: string,
    log: Logger,
    setup: AgentSetup = {},
  ) {
    this.log = log
    this.inbox = new Inbox(conn, this.requests, log, id, {
      ...(setup.concurrency !== undefined ? { concurrency: setup.concurrency } : {}),
      onLeaseLost: (messageId, err) => this.emitter.emit('leaseLost', messageId, err),
    })
    this.outbox = new Outbox(conn)
    conn.onRestore(async (client) => {
      for (const topic of this.topics) await client.call('queue.subscribe', { topic })
      if (this.isReady) await client.call('agent.ready', {})
    })
    conn.on('disconnected', (err) => {
      log.warn('lost the daemon; reconnecting', { error: err.message })
      this.emitter.emit('disconnected', err)
    })
    conn.on('reconnected', () => {
      this.refusalLogged = false
      log.info('reconnected to the daemon')
      this.emitter.emit('reconnected')
    })
    conn.on('restoreFailed', (err) => log.error('could not restore after reconnecting', { error: err }))
    conn.on('reconnectRefused', (err) => {
      if (this.refusalLogged) return
      this.refusalLogged = true
      log.error('the daemon refused this agent on reconnecting; still trying', { error: err })
    })
    conn.on('event', (frame) => {
      if (isEvent(frame, PushedEvent.CONSUMER_REPLACED)) {
        log.warn('another connection with this agent id took over consuming; no messages come here until it closes')
        this.emitter.emit('replaced')
      } else if (isEvent(frame, PushedEvent.CONSUMER_RESUMED)) {
        log.info('the connection that took over consuming closed; messages come here again')
        this.emitter.emit('resumed')
      }
    })
  }

  /** The agent name: the id without its `:N` instance suffix. */
  get name(): string {
    return this.id.replace(/:\d+$/, '')
  }

  /** Whether the connection to the daemon is up right now. */
  get connected(): boolean {
    return this.conn.connected
  }

  on<K extends keyof AgentEvents>(event: K, fn: AgentEvents[K]): this {
    this.emitter.on(event, fn)
    return this
  }

  off<K extends keyof AgentEvents>(event: K, fn: AgentEvents[K]): this {
    this.emitter.off(event, fn)
    return this
  }

  /** Tells the daemon this agent is ready: it shows `online` at once, whatever its start grace. */
  async ready(): Promise<void> {
    this.isReady = true
    await this.conn.call('agent.ready', {})
  }

  /**
   * Handles messages: all of them, or only those of `type` (a typed handler
   * wins over the catch-all; registering again for the same type replaces).
   * Starts delivery on first use. The daemon gives this instance at most its
   * `concurrency` messages at a time (the config's, default 1, or connect's
   * `concurrency` option), so that many handlers run at once. While a handler
   * runs, the SDK renews its message's lease, so a long handler is not
   * redelivered; report how far it got with `progress()`. A message is acked
   * when its handler returns or resolves, and nacked with the error's message
   * when it throws or rejects. Once any handler is registered, a message no
   * handler takes is nacked. Replies never reach handlers, unless a handler
   * is registered for their very type and they answer no request of this
   * agent's (a late or duplicate reply to `request()` is dropped).
   * Returns a function that removes the handler.
   */
  onMessage<P = unknown>(handler: MessageHandler<P>): () => void
  onMessage<P = unknown>(type: string, handler: MessageHandler<P>): () => void
  onMessage(typeOrHandler: string | MessageHandler, maybeHandler?: MessageHandler): () => void {
    const [type, handler] = typeof typeOrHandler === 'string' ? [typeOrHandler, maybeHandler] : [undefined, typeOrHandler]
    if (typeof handler !== 'function') throw new TypeError(`onMessage needs a handler function, got ${typeof handler}`)
    const off = this.inbox.on(type, handler)
    this.inbox.consume().catch((err: unknown) => this.log.error('cannot start consuming messages', { error: err }))
    return off
  }

  /**
   * Puts a message on the queue; resolves with its id (one per copy for a
   * topic) once the daemon has stored it. `to` is an agent name (one of its
   * instances gets it), `name:N`, or `topic:NAME`. Inside a handler, `hops`
   * is the handled message's plus one: the daemon refuses a chain past its
   * hop limit (E_INVALID_MESSAGE), and the message carries the handled one's
   * id as `parentId` and its correlationId (or, when it has none, its id) as
   * the trace id that `orch trace` follows. If the connection drops before the daemon
   * answers, the send waits and goes again after reconnecting (so it may
   * arrive twice, never not at all; give it a `key` to have it stored once).
   */
  async send(to: string, type: string, payload?: unknown, opts: SendOptions = {}): Promise<string[]> {
    if (this.closed) throw new AgentClosedError()
    return this.outbox.send(this.sendParams(to, type, payload, opts))
  }

  /**
   * Sends a message with a fresh correlationId and `replyTo` = this agent,
   * and resolves with the reply message (use `.payload` for its content).
   * The reply is acked and never reaches onMessage handlers. Rejects with
   * RequestTimeoutError (code E_TIMEOUT) after `timeout` ms (default 30 s),
   * counted from the call; a reply that comes later, or a second one, is
   * dropped. Pending requests survive reconnects, and a request made while
   * the daemon is away is sent once the agent has reconnected — unless it
   * timed out meanwhile: nobody waits for it, so it is not sent at all.
   * Unless `ttl` is given, the request expires (to the dead letters) if no
   * agent took it by the time its requester stops waiting, as Celery's
   * `expires`: work nobody waits for is not done.
   */
  async request<R = unknown>(to: string, type: string, payload?: unknown, opts: RequestOptions = {}): Promise<AgentMessage<R>> {
    if (this.closed) throw new AgentClosedError()
    const { timeout = DEFAULT_REQUEST_TIMEOUT_MS, ...sendOpts } = opts
    const deadline = Date.now() + timeout
    // inside a handler the request carries the trace id; its reply is then matched by `inReplyTo` alone
    const handling = currentMessage()
    const shared = handling ? traceIdOf(handling) : undefined
    const { key, correlationId, reply } = this.requests.open(type, timeout, (id) => new RequestTimeoutError({ to, type, correlationId: id, timeoutMs: timeout }), shared)
    const params = this.sendParams(to, type, payload, { ...sendOpts, correlationId, replyTo: this.id })
    const expires = sendOpts.ttl === undefined
    // The timer runs from now, while the send may still wait for the daemon to
    // come back: everything after this point settles `reply`, never throws.
    this.inbox
      .consume() // the daemon only routes our reply once we consume
      .then(() => this.conn.whenReady())
      .then(() => {
        // timed out while the daemon was away: nobody waits for an answer any more
        if (!this.requests.isPending(key)) return []
        if (expires) params.ttl = Math.max(1, deadline - Date.now())
        return this.outbox.send(params)
      })
      .then(
        (ids) => this.requests.sent(key, ids[0]),
        (err: unknown) => this.requests.fail(key, err as Error),
      )
    return (await reply) as AgentMessage<R>
  }

  /**
   * Answers a request: sends to `msg.replyTo` (else `msg.from`) a message of
   * type `${msg.type}.reply` with the same correlationId, `inReplyTo: msg.id`
   * and `hops: msg.hops + 1`. When the requester cannot receive any more
   * (E_UNKNOWN_RECIPIENT: it left, e.g. a CLI's `orch send`), the reply is
   * logged as a warning and resolves with no id, so the handler does not fail.
   */
  async reply(msg: AgentMessage, payload?: unknown, opts: ReplyOptions = {}): Promise<string[]> {
    if (this.closed) throw new AgentClosedError()
    const to = msg.replyTo ?? msg.from
    const type = `${msg.type}${REPLY_TYPE_SUFFIX}`
    const params = this.sendParams(to, type, payload, { ...opts, ...(msg.correlationId !== undefined ? { correlationId: msg.correlationId } : {}) })
    params.inReplyTo = msg.id
    params.parentId = msg.id
    params.hops = msg.hops + 1
    try {
      return await this.outbox.send(params)
    } catch (err) {
      if ((err as { code?: unknown }).code !== QueueErrorCode.UNKNOWN_RECIPIENT) throw err
      this.log.warn('reply not delivered: the requester cannot receive', { to, type, inReplyTo: msg.id, error: (err as Error).message })
      return []
    }
  }

  /**
   * Reports how far the handler of the current message got (any JSON; `orch
   * queue ls` shows it as `inFlight[].progress`), which also renews its lease.
   * Call it inside a handler, or pass the message. Resolves once stored (or
   * superseded by a newer report); never rejects: a report that cannot be
   * stored is logged. Throws a TypeError outside a handler or for a value
   * JSON cannot carry.
   */
  progress(value: unknown, msg: AgentMessage | undefined = currentMessage()): Promise<void> {
    if (!msg) throw new TypeError('agent.progress() was called outside a message handler: call it while a handler runs, or pass the message: agent.progress(value, msg)')
    if (value === undefined) throw new TypeError('agent.progress() needs a value JSON can carry, got undefined')
    try {
      JSON.stringify(value)
    } catch (err) {
      throw new TypeError(`agent.progress() needs a value JSON can carry: ${(err as Error).message}`)
    }
    if (this.closed) return Promise.resolve()
    return this.inbox.progress(msg, value)
  }

  /** Receives a copy of every message published to `topic` from now on (kept across reconnects and restarts). */
  async subscribe(topic: string): Promise<void> {
    const t = bareTopic(topic)
    this.topics.add(t)
    await this.conn.call('queue.subscribe', { topic: t })
    await this.inbox.consume()
  }

  async unsubscribe(topic: string): Promise<void> {
    const t = bareTopic(topic)
    this.topics.delete(t)
    await this.conn.call('queue.unsubscribe', { topic: t })
  }

  /** Sends a copy to every subscriber of `topic`; resolves with one id per copy (none when nobody subscribes). */
  publish(topic: string, type: string, payload?: unknown, opts: SendOptions = {}): Promise<string[]> {
    return this.send(`${TOPIC_PREFIX}${bareTopic(topic)}`, type, payload, opts)
  }

  private sendParams(to: string, type: string, payload: unknown, opts: SendOptions): SendParams {
    const params: SendParams = { to, type, payload: payload ?? null }
    if (opts.priority !== undefined) params.priority = opts.priority
    if (opts.delay !== undefined) params.delay = opts.delay
    if (opts.ttl !== undefined) params.ttl = opts.ttl
    if (opts.correlationId !== undefined) params.correlationId = opts.correlationId
    if (opts.replyTo !== undefined) params.replyTo = opts.replyTo
    if (opts.key !== undefined) params.key = opts.key
    if (opts.lease !== undefined) params.lease = opts.lease
    // read now: inside a handler, the chain of hops goes on, and so does the trace
    const handling = currentMessage()
    if (handling) {
      params.hops = handling.hops + 1
      params.parentId = handling.id
      params.correlationId ??= traceIdOf(handling)
    }
    return params
  }

  /** The message whose handler is running, in this async context. */
  current(): AgentMessage | undefined {
    return currentMessage()
  }

  /** Sends the acks still due, rejects pending requests with AgentClosedError, and closes the connection. */
  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    await this.inbox.drain()
    this.requests.failAll(new AgentClosedError('the agent was closed while waiting for a reply'))
    this.conn.close()
  }
}
