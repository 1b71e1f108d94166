import { createServer, type Server, type Socket } from 'node:net'
import { ErrorCode } from '../errors/codes.js'
import { OrchError } from '../errors/orch-error.js'
import type { Logger } from '../log/logger.js'
import { FrameDecoder, encodeFrame } from '../protocol/framing.js'
import { isRequestFrame, type WireError } from '../protocol/frames.js'
import { MAX_JSON_DEPTH, nestsDeeperThan } from '../protocol/json-depth.js'
import { dropNullOptionals } from '../protocol/null-params.js'
import { PROTOCOL_VERSION } from '../protocol/version.js'
import { formatProblems, isPlainObject, problemsOf, quote } from '../schema/problems.js'
import type { ParamsSchema } from '../protocol/schemas/method.js'
import { Connection, LAZY_ANSWER_MS, closeGently } from './connection.js'
import type { DaemonContext, Handler } from './context.js'

/** Connections open at once; more are answered E_BUSY and closed. ORCH_MAX_CONNECTIONS overrides it (big teams). */
export const DEFAULT_MAX_CONNECTIONS = 256
/**
 * Slots past the limit that only a CLI may keep: a team holding every
 * connection must not lock its owner out of `orch ls`, `kill` or `daemon stop`.
 */
export const CLI_RESERVED_CONNECTIONS = 16
/** An unfinished frame that gets no byte for this long closes its connection. ORCH_FRAME_TIMEOUT_MS overrides it. */
export const DEFAULT_FRAME_TIMEOUT_MS = 30_000
/** Refused connections are logged at most this often, with a count. */
const BUSY_LOG_INTERVAL_MS = 10_000

export interface Dispatch {
  handlers: Record<string, Handler<any, any>>
  /** each method's params schema; unknown keys are not checked (the protocol ignores them) */
  schemas: Record<string, ParamsSchema>
  /** whether a successful answer to an agent's call may wait for its connection's next write (Urgency 'lazy') */
  answersLazily?: (method: string, params: Record<string, unknown>, result: unknown) => boolean
}

export interface ServerLimits {
  maxConnections: number
  frameTimeoutMs: number
  /** how long an answer nobody waits on waits for company (Urgency 'lazy') */
  lazyAnswerMs: number
}

export function serverLimits(env: NodeJS.ProcessEnv = process.env): ServerLimits {
  return {
    maxConnections: Number(env.ORCH_MAX_CONNECTIONS) || DEFAULT_MAX_CONNECTIONS,
    frameTimeoutMs: Number(env.ORCH_FRAME_TIMEOUT_MS) || DEFAULT_FRAME_TIMEOUT_MS,
    lazyAnswerMs: Number(env.ORCH_LAZY_ANSWER_MS) || LAZY_ANSWER_MS,
  }
}

function wireError(code: string, message: string, data?: unknown): { error: WireError } {
  return { error: data === undefined ? { code, message } : { code, message, data } }
}

/**
 * The control socket. Each frame is parsed, checked and handed to the
 * handler of its method; whatever goes wrong is answered as an error on that
 * request and never reaches the rest of the daemon. A client costs bounded
 * memory: one partial frame (up to the frame cap, closed when it stalls),
 * answers up to the backpressure limits of Connection, and there are at most
 * `maxConnections` of them.
 */
export function createControlServer(
  ctx: DaemonContext,
  dispatch: Dispatch,
  log: Logger,
  limits: ServerLimits = serverLimits(),
): { server: Server; connections: Set<Connection> } {
  const connections = new Set<Connection>()
  let refused = 0
  let lastBusyLog = 0

  const server = createServer((socket) => {
    socket.on('error', () => socket.destroy())
    if (connections.size >= limits.maxConnections + CLI_RESERVED_CONNECTIONS) {
      refuseBusy(socket)
      return
    }
    const conn = new Connection(socket, (c, line) => void handleFrame(c, line), log, limits.lazyAnswerMs)
    conn.reserved = connections.size >= limits.maxConnections
    connections.add(conn)
    conn.onClose(() => connections.delete(conn))
    const decoder = new FrameDecoder(
      (line) => conn.receive(line),
      (err) => conn.send({ id: null, ...wireError(err.code, err.message) }),
    )
    socket.on('data', (chunk) => {
      decoder.push(chunk)
      // The timer runs only while a frame is unfinished: an idle connection between frames is fine.
      socket.setTimeout(decoder.partial ? limits.frameTimeoutMs : 0)
    })
    socket.on('timeout', () => {
      if (!decoder.partial) return
      log.warn('closing a connection whose frame stalled', { connection: conn.id, agent: conn.agent, timeoutMs: limits.frameTimeoutMs })
      conn.send({ id: null, ...wireError(ErrorCode.PROTOCOL, `an unfinished frame got no byte for ${limits.frameTimeoutMs} ms; closing the connection`) })
      conn.end()
    })
  })

  function refuseBusy(socket: Socket): void {
    refused++
    if (Date.now() - lastBusyLog >= BUSY_LOG_INTERVAL_MS) {
      log.warn('connection refused: too many connections', { open: connections.size, max: limits.maxConnections, refusedSinceLastLog: refused })
      lastBusyLog = Date.now()
      refused = 0
    }
    const message = `the daemon has ${connections.size} connections open, its limit (ORCH_MAX_CONNECTIONS, default ${DEFAULT_MAX_CONNECTIONS}); close some or try again`
    socket.write(encodeFrame({ id: null, ...wireError(ErrorCode.BUSY, message, { max: limits.maxConnections }) }))
    closeGently(socket)
  }

  async function handleFrame(conn: Connection, line: string): Promise<void> {
    let id: number | string | null = null
    let method: string | undefined
    try {
      let msg: unknown
      try {
        msg = JSON.parse(line)
      } catch (err) {
        conn.send({ id: null, ...wireError(ErrorCode.PROTOCOL, `malformed JSON: ${(err as Error).message}`) })
        return
      }
      if (isPlainObject(msg) && (typeof msg.id === 'number' || typeof msg.id === 'string')) id = msg.id
      // Before anything recurses into it (schema check, quoting, storing): see json-depth.ts. Each level
      // of nesting takes a bracket, so a frame shorter than the limit cannot pass it (most frames).
      if (line.length > MAX_JSON_DEPTH && nestsDeeperThan(msg)) {
        const code = isRequestFrame(msg) ? ErrorCode.BAD_PARAMS : ErrorCode.PROTOCOL
        conn.send({ id, ...wireError(code, `the frame nests arrays and objects deeper than ${MAX_JSON_DEPTH} levels`, { maxDepth: MAX_JSON_DEPTH }) })
        return
      }
      if (!isRequestFrame(msg)) {
        conn.send({ id, ...wireError(ErrorCode.PROTOCOL, 'a request is {"id": number|string, "method": string, "params"?: object}') })
        return
      }
      method = msg.method
      if (conn.client === null && method !== 'hello') {
        const hello = `{"id":1,"method":"hello","params":{"version":${PROTOCOL_VERSION},"client":"cli"}}`
        conn.send({ id, ...wireError(ErrorCode.PROTOCOL, `say hello first: ${hello}`) })
        return
      }
      // One identity per connection: a second hello would change who may ack what the first one was given.
      if (conn.client !== null && method === 'hello') {
        const who = conn.agent ? `agent '${conn.agent}'` : `'${conn.client}'`
        conn.send({ id, ...wireError(ErrorCode.PROTOCOL, `this connection already said hello, as ${who}; to speak as someone else, open another connection`) })
        return
      }
      const handler = Object.prototype.hasOwnProperty.call(dispatch.handlers, method) ? dispatch.handlers[method] : undefined
      if (!handler) {
        conn.send({ id, ...wireError(ErrorCode.UNKNOWN_METHOD, `unknown method ${quote(method)}; known: ${Object.keys(dispatch.handlers).join(', ')}`) })
        return
      }
      const given = msg.params ?? {}
      if (!isPlainObject(given)) {
        conn.send({ id, ...wireError(ErrorCode.BAD_PARAMS, `params of '${method}' must be an object, got ${quote(given)}`) })
        return
      }
      const schema = dispatch.schemas[method]
      const params = schema ? dropNullOptionals(schema, given) : given
      const problems = schema ? problemsOf(schema, params) : []
      if (problems.length > 0) {
        conn.send({ id, ...wireError(ErrorCode.BAD_PARAMS, `bad params for '${method}': ${formatProblems(problems)}`, { problems }) })
        return
      }
      let result: unknown
      try {
        result = await handler(params, ctx, conn)
      } catch (err) {
        if (!(err instanceof OrchError)) throw err
        conn.send({ id, ...wireError(err.code, err.message, err.data) })
        return
      }
      conn.send({ id, result: result ?? null }, conn.client === 'agent' && dispatch.answersLazily?.(method, params, result) ? 'lazy' : 'turn')
    } catch (err) {
      // Every request gets exactly one answer, even when the daemon itself is at fault.
      log.error('request failed', { method, err })
      const where = method === undefined ? 'a request' : `'${method}'`
      conn.send({ id, ...wireError(ErrorCode.INTERNAL, `internal error in ${where}: ${(err as Error)?.message ?? String(err)} (see daemon.log)`) })
    }
  }

  return { server, connections }
}
