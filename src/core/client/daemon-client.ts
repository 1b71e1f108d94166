import { EventEmitter } from 'node:events'
import { connect, type Socket } from 'node:net'
import { BusyError } from '../errors/busy-error.js'
import { ErrorCode } from '../errors/codes.js'
import { DaemonUnreachableError } from '../errors/daemon-unreachable-error.js'
import { OrchError } from '../errors/orch-error.js'
import { FrameTooLargeError } from '../errors/frame-too-large-error.js'
import { FrameDecoder, MAX_FRAME_BYTES, bytesOverFrameLimit, encodeFrame } from '../protocol/framing.js'
import { isEventFrame, isResponseFrame, type EventFrame } from '../protocol/frames.js'
import type { MethodName, ParamsOf, ResultOf } from '../protocol/methods.js'
import { PROTOCOL_VERSION } from '../protocol/version.js'

/** How long connect keeps retrying a daemon too busy to accept (EAGAIN: its backlog is full; or E_BUSY) before saying so. */
export const CONNECT_BUSY_RETRY_MS = 3_000
const BUSY_BACKOFF_INITIAL_MS = 5
const BUSY_BACKOFF_MAX_MS = 250

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

/** The daemon is there but cannot take us now: worth a short retry, and not "no daemon". */
function isBusy(err: unknown): boolean {
  return err instanceof BusyError || (err instanceof DaemonUnreachableError && (err.data as { code?: string } | undefined)?.code === 'EAGAIN')
}

interface Pending {
  resolve: (v: unknown) => void
  reject: (e: Error) => void
}

export interface ClientEvents {
  event: (frame: EventFrame) => void
  close: () => void
}

export interface ConnectOptions {
  client: 'cli' | 'agent'
  agent?: string
  /** the ORCH_AGENT_TOKEN of the instance `agent` (not needed for an external agent) */
  token?: string
}

/**
 * A typed connection to the daemon: many calls in flight, each matched to its
 * response by id; pushed events are emitted as `event`.
 */
export class DaemonClient {
  private nextId = 1
  private readonly pending = new Map<number, Pending>()
  private readonly emitter = new EventEmitter()
  private closedError: Error | null = null
  daemonPid = 0

  private constructor(private readonly socket: Socket) {
    const decoder = new FrameDecoder(
      (line) => this.onFrame(line),
      (err) => {
        // A reply we cannot read leaves its caller unanswered: drop the connection. What was asked
        // may have been done, so this is a lost connection (an SDK retries on a new one), not a
        // request too large (which is split and sent again on this one, see Outbox).
        this.failAll(new DaemonUnreachableError(`the daemon sent a frame we cannot read (${err.message}); connection dropped`, { code: err.code }))
        socket.destroy()
      },
    )
    socket.on('data', (chunk) => decoder.push(chunk))
    socket.on('error', () => {})
    socket.on('close', () => {
      this.failAll(this.closedError ?? new DaemonUnreachableError('the daemon closed the connection'))
      this.emitter.emit('close')
    })
  }

  /**
   * Connects and says hello; rejects with E_DAEMON_UNREACHABLE when nothing
   * listens. A daemon too busy to take the connection (a full listen backlog
   * makes connect fail with EAGAIN; a full connection table answers E_BUSY)
   * is retried with backoff for CONNECT_BUSY_RETRY_MS, then reported as E_BUSY:
   * it runs, so starting another would not help.
   */
  static async connect(socketPath: string, opts: ConnectOptions = { client: 'cli' }): Promise<DaemonClient> {
    const deadline = Date.now() + CONNECT_BUSY_RETRY_MS
    let delay = BUSY_BACKOFF_INITIAL_MS
    for (;;) {
      try {
        return await DaemonClient.connectOnce(socketPath, opts)
      } catch (err) {
        if (!isBusy(err)) throw err
        if (Date.now() + delay > deadline) {
          if (err instanceof BusyError) throw err
          throw new BusyError(
            `the daemon on ${socketPath} runs but accepts no connection: more clients wait to connect than it can queue (EAGAIN for ${CONNECT_BUSY_RETRY_MS / 1000}s); try again, or find what opens so many connections`,
            { code: 'EAGAIN' },
          )
        }
        await sleep(delay)
        delay = Math.min(delay * 2, BUSY_BACKOFF_MAX_MS)
      }
    }
  }

  private static connectOnce(socketPath: string, opts: ConnectOptions): Promise<DaemonClient> {
    return new Promise((resolve, reject) => {
      const socket = connect(socketPath)
      const onError = (err: NodeJS.ErrnoException): void => {
        reject(new DaemonUnreachableError(`no daemon answers on ${socketPath} (${err.code ?? err.message})`, { code: err.code }))
      }
      socket.once('error', onError)
      socket.once('connect', () => {
        socket.off('error', onError)
        const client = new DaemonClient(socket)
        client
          .call('hello', {
            version: PROTOCOL_VERSION,
            client: opts.client,
            ...(opts.agent ? { agent: opts.agent } : {}),
            ...(opts.token ? { token: opts.token } : {}),
            ...(opts.client === 'agent' ? { pid: process.pid } : {}),
          })
          .then((r) => {
            client.daemonPid = r.daemonPid
            resolve(client)
          })
          .catch((err) => {
            client.close()
            reject(err)
          })
      })
    })
  }

  on<K extends keyof ClientEvents>(event: K, fn: ClientEvents[K]): this {
    this.emitter.on(event, fn)
    return this
  }

  off<K extends keyof ClientEvents>(event: K, fn: ClientEvents[K]): this {
    this.emitter.off(event, fn)
    return this
  }

  call<M extends MethodName>(method: M, params: ParamsOf<M>): Promise<ResultOf<M>> {
    return this.request(method, params) as Promise<ResultOf<M>>
  }

  /** An untyped call, for methods this build does not know. */
  request(method: string, params: unknown): Promise<unknown> {
    if (this.closedError || this.socket.destroyed) {
      return Promise.reject(this.closedError ?? new DaemonUnreachableError('connection to the daemon is closed'))
    }
    const id = this.nextId++
    const frame = encodeFrame({ id, method, params })
    // The daemon drops an oversized frame without knowing its id, so the call would never be answered.
    const bytes = bytesOverFrameLimit(frame)
    if (bytes > 0) {
      return Promise.reject(new FrameTooLargeError(`'${method}' request is ${bytes} bytes, over the ${MAX_FRAME_BYTES}-byte frame limit`))
    }
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject })
      this.socket.write(frame)
    })
  }

  close(): void {
    this.socket.end()
    this.socket.destroy()
  }

  private onFrame(line: string): void {
    let msg: unknown
    try {
      msg = JSON.parse(line)
    } catch {
      return
    }
    if (isResponseFrame(msg)) {
      // A refusal of the whole connection (too many open): every call on it fails with it.
      if (msg.id === null && 'error' in msg && msg.error.code === ErrorCode.BUSY) {
        this.closedError ??= new BusyError(msg.error.message, msg.error.data)
        return
      }
      const p = typeof msg.id === 'number' ? this.pending.get(msg.id) : undefined
      if (!p) return
      this.pending.delete(msg.id as number)
      if ('error' in msg) p.reject(new OrchError(msg.error.code, msg.error.message, msg.error.data))
      else p.resolve(msg.result)
    } else if (isEventFrame(msg)) {
      this.emitter.emit('event', msg)
    }
  }

  private failAll(err: Error): void {
    this.closedError ??= err
    for (const p of this.pending.values()) p.reject(err)
    this.pending.clear()
  }
}
