import { createServer, type Server } from 'node:net'
import { ErrorCode } from '../errors/codes.js'
import { OrchError } from '../errors/orch-error.js'
import type { Logger } from '../log/logger.js'
import { FrameDecoder } from '../protocol/framing.js'
import { isRequestFrame, type WireError } from '../protocol/frames.js'
import { PROTOCOL_VERSION } from '../protocol/version.js'
import { checkSchema, formatProblems, isPlainObject, quote, type Schema } from '../schema/field.js'
import { Connection } from './connection.js'
import type { DaemonContext, Handler } from './context.js'

export interface Dispatch {
  handlers: Record<string, Handler<any, any>>
  schemas: Record<string, Schema>
}

function wireError(code: string, message: string, data?: unknown): { error: WireError } {
  return { error: data === undefined ? { code, message } : { code, message, data } }
}

/**
 * The control socket. Each frame is parsed, checked and handed to the
 * handler of its method; whatever goes wrong is answered as an error on that
 * request and never reaches the rest of the daemon.
 */
export function createControlServer(ctx: DaemonContext, dispatch: Dispatch, log: Logger): { server: Server; connections: Set<Connection> } {
  const connections = new Set<Connection>()
  const server = createServer((socket) => {
    const conn = new Connection(socket)
    connections.add(conn)
    conn.onClose(() => connections.delete(conn))
    socket.on('error', () => socket.destroy())
    const decoder = new FrameDecoder(
      (line) => void handleFrame(conn, line),
      (err) => conn.send({ id: null, ...wireError(err.code, err.message) }),
    )
    socket.on('data', (chunk) => decoder.push(chunk))
  })

  async function handleFrame(conn: Connection, line: string): Promise<void> {
    let msg: unknown
    try {
      msg = JSON.parse(line)
    } catch (err) {
      conn.send({ id: null, ...wireError(ErrorCode.PROTOCOL, `malformed JSON: ${(err as Error).message}`) })
      return
    }
    if (!isRequestFrame(msg)) {
      const id = isPlainObject(msg) && (typeof msg.id === 'number' || typeof msg.id === 'string') ? msg.id : null
      conn.send({ id, ...wireError(ErrorCode.PROTOCOL, 'a request is {"id": number|string, "method": string, "params"?: object}') })
      return
    }
    const { id, method } = msg
    if (conn.client === null && method !== 'hello') {
      const hello = `{"id":1,"method":"hello","params":{"version":${PROTOCOL_VERSION},"client":"cli"}}`
      conn.send({ id, ...wireError(ErrorCode.PROTOCOL, `say hello first: ${hello}`) })
      return
    }
    const handler = Object.prototype.hasOwnProperty.call(dispatch.handlers, method) ? dispatch.handlers[method] : undefined
    if (!handler) {
      conn.send({ id, ...wireError(ErrorCode.UNKNOWN_METHOD, `unknown method ${quote(method)}; known: ${Object.keys(dispatch.handlers).join(', ')}`) })
      return
    }
    const params = msg.params ?? {}
    if (!isPlainObject(params)) {
      conn.send({ id, ...wireError(ErrorCode.BAD_PARAMS, `params of '${method}' must be an object, got ${quote(params)}`) })
      return
    }
    const problems = checkSchema(dispatch.schemas[method] ?? {}, params)
    if (problems.length > 0) {
      conn.send({ id, ...wireError(ErrorCode.BAD_PARAMS, `bad params for '${method}': ${formatProblems(problems)}`, { problems }) })
      return
    }
    try {
      const result = await handler(params, ctx, conn)
      conn.send({ id, result: result ?? null })
    } catch (err) {
      if (err instanceof OrchError) {
        conn.send({ id, ...wireError(err.code, err.message, err.data) })
      } else {
        log.error('request failed', { method, err })
        conn.send({ id, ...wireError(ErrorCode.INTERNAL, `internal error in '${method}': ${(err as Error)?.message ?? String(err)} (see daemon.log)`) })
      }
    }
  }

  return { server, connections }
}
