import { EventEmitter } from 'node:events'
import { DaemonClient, type ConnectOptions } from '../core/client/daemon-client.js'
import { ErrorCode, QueueErrorCode } from '../core/protocol/error-codes.js'
import type { EventFrame } from '../core/protocol/frames.js'
import type { MethodName, ParamsOf, ResultOf } from '../core/protocol/methods.js'
import { RECONNECT_FACTOR, RECONNECT_INITIAL_MS, RECONNECT_MAX_MS } from './constants.js'
import { outsideHandling } from './context.js'
import { AgentClosedError } from './errors/agent-closed-error.js'

export interface ConnectionEvents {
  /** a pushed frame, with the epoch of the connection it came on */
  event: (frame: EventFrame, epoch: number) => void
  disconnected: (reason: Error) => void
  reconnected: () => void
  /** a step of restoring state after a reconnect failed for a reason other than the connection */
  restoreFailed: (err: Error) => void
  /** a daemon answered but refused this agent's hello (e.g. E_AGENT_REFUSED); it keeps trying */
  reconnectRefused: (err: Error) => void
}

/** Redoes, on a fresh connection, what the agent had set up on the old one (consume, subscribe, ready). */
export type Restore = (client: DaemonClient) => Promise<void>

/** The call failed because the connection went away (or the daemon was shutting down): worth retrying on the next one. */
export function isConnectionLoss(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code
  return code === ErrorCode.DAEMON_UNREACHABLE || code === QueueErrorCode.QUEUE_CLOSED
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

/**
 * One logical connection to the daemon over a series of sockets: when the
 * daemon goes away it reconnects with backoff, redoes hello and the restore
 * steps, then lets waiting calls through. Each socket is an epoch; the daemon
 * forgets leases when a socket closes, so acks are only worth sending on the
 * epoch the message came on.
 */
export class Connection {
  private client: DaemonClient | null = null
  private epochNo = 0
  private restoring = false
  private reconnecting = false
  private closed = false
  private waiters: Array<{ resolve: (c: DaemonClient) => void; reject: (e: Error) => void }> = []
  private readonly restores: Restore[] = []
  private readonly emitter = new EventEmitter()

  private readonly hello: ConnectOptions

  private constructor(
    private readonly socketPath: string,
    agentId: string,
    token: string | undefined,
  ) {
    // every hello, reconnects included, proves the identity again
    this.hello = { client: 'agent', agent: agentId, ...(token ? { token } : {}) }
  }

  /**
   * The first connection fails fast: an agent started outside orch, or
   * refused by the daemon (E_AGENT_REFUSED), should hear so at once.
   */
  static async open(socketPath: string, agentId: string, token?: string): Promise<Connection> {
    const conn = new Connection(socketPath, agentId, token)
    conn.adopt(await DaemonClient.connect(socketPath, conn.hello))
    return conn
  }

  get epoch(): number {
    return this.epochNo
  }

  get connected(): boolean {
    return this.client !== null && !this.restoring
  }

  on<K extends keyof ConnectionEvents>(event: K, fn: ConnectionEvents[K]): this {
    this.emitter.on(event, fn)
    return this
  }

  /** Adds a step run on every new connection before waiting calls go out. */
  onRestore(fn: Restore): void {
    this.restores.push(fn)
  }

  /** A call that survives reconnects: it waits while disconnected and is sent again if the connection died before the answer. */
  async call<M extends MethodName>(method: M, params: ParamsOf<M>): Promise<ResultOf<M>> {
    for (;;) {
      const client = await this.ready()
      try {
        return await client.call(method, params)
      } catch (err) {
        if (this.closed || !isConnectionLoss(err)) throw err
        this.lost(client, err as Error)
      }
    }
  }

  /** A call on the connection of `epoch` only: undefined when that connection is gone (or still restoring). */
  callOn<M extends MethodName>(epoch: number, method: M, params: ParamsOf<M>): Promise<ResultOf<M>> | undefined {
    const client = this.client
    if (!client || epoch !== this.epochNo) return undefined
    return client.call(method, params)
  }

  close(): void {
    if (this.closed) return
    this.closed = true
    const err = new AgentClosedError()
    for (const w of this.waiters.splice(0)) w.reject(err)
    this.client?.close()
    this.client = null
  }

  /** Resolves once connected and restored (at once when it is). */
  async whenReady(): Promise<void> {
    await this.ready()
  }

  /** The live client, once connected and restored. */
  private ready(): Promise<DaemonClient> {
    if (this.closed) return Promise.reject(new AgentClosedError())
    if (this.client && !this.restoring) return Promise.resolve(this.client)
    return new Promise((resolve, reject) => this.waiters.push({ resolve, reject }))
  }

  private adopt(client: DaemonClient): void {
    const epoch = ++this.epochNo
    this.client = client
    client.on('event', (frame) => this.emitter.emit('event', frame, epoch))
    client.on('close', () => this.lost(client, new Error('the daemon closed the connection')))
  }

  /** Idempotent per client: both its 'close' event and a failed call report the loss. */
  private lost(client: DaemonClient, reason: Error): void {
    if (this.closed || client !== this.client) return
    this.client = null
    client.close()
    // a loss noticed inside a handler is not part of that handler's message
    outsideHandling(() => {
      this.emitter.emit('disconnected', reason)
      void this.reconnect()
    })
  }

  private async reconnect(): Promise<void> {
    if (this.reconnecting) return
    this.reconnecting = true
    let delay = RECONNECT_INITIAL_MS
    try {
      while (!this.closed) {
        await sleep(delay)
        delay = Math.min(delay * RECONNECT_FACTOR, RECONNECT_MAX_MS)
        if (this.closed) return
        let client: DaemonClient
        try {
          client = await DaemonClient.connect(this.socketPath, this.hello)
        } catch (err) {
          // no daemon yet is the normal case; a daemon that says no is worth a log line
          if ((err as { code?: unknown }).code !== ErrorCode.DAEMON_UNREACHABLE) this.emitter.emit('reconnectRefused', err as Error)
          continue
        }
        if (this.closed) {
          client.close()
          return
        }
        if (await this.restore(client)) {
          for (const w of this.waiters.splice(0)) w.resolve(client)
          this.emitter.emit('reconnected')
          return
        }
      }
    } finally {
      this.reconnecting = false
    }
  }

  /** True when the client is live and restored; false when it was lost meanwhile. */
  private async restore(client: DaemonClient): Promise<boolean> {
    this.restoring = true
    this.adopt(client)
    try {
      for (const step of this.restores) {
        try {
          await step(client)
        } catch (err) {
          if (isConnectionLoss(err)) throw err
          this.emitter.emit('restoreFailed', err as Error)
        }
      }
      return this.client === client
    } catch (err) {
      this.lost(client, err as Error)
      return false
    } finally {
      this.restoring = false
    }
  }
}
