import { NotAnAgentError } from '../core/errors/not-an-agent-error.js'
import { Agent } from './agent.js'
import { Connection } from './connection.js'
import { isLogLevel, Logger } from './logger.js'
import type { AgentOptions } from './types.js'

/**
 * Connects to the daemon that spawned this agent, from ORCH_SOCKET,
 * ORCH_AGENT_ID and ORCH_AGENT_TOKEN (or `{ socket, id, token }`). Throws
 * NotAnAgentError (E_NOT_AN_AGENT) when neither socket nor id is there,
 * DaemonUnreachableError when nothing answers, and an OrchError with code
 * E_AGENT_REFUSED when the daemon does not take this process for that
 * instance (no or a wrong token, and the config does not declare it
 * `type: 'external'`).
 */
export async function connect(opts: AgentOptions = {}): Promise<Agent> {
  const socket = opts.socket ?? process.env.ORCH_SOCKET
  const id = opts.id ?? process.env.ORCH_AGENT_ID
  if (!socket || !id) {
    throw new NotAnAgentError(
      `${!socket ? 'ORCH_SOCKET' : 'ORCH_AGENT_ID'} is not set: run this agent under orch (orch start), or pass { socket, id } to connect()`,
    )
  }
  const envLevel = process.env.ORCH_LOG_LEVEL
  const level = opts.logLevel ?? (isLogLevel(envLevel) ? envLevel : 'info')
  // the token orch gave this process belongs to ORCH_AGENT_ID: another id is someone else's
  const token = opts.token ?? (id === process.env.ORCH_AGENT_ID ? process.env.ORCH_AGENT_TOKEN : undefined)
  if (opts.concurrency !== undefined && (!Number.isInteger(opts.concurrency) || opts.concurrency < 1)) {
    throw new TypeError(`connect(): concurrency must be an integer >= 1, got ${String(opts.concurrency)}`)
  }
  const conn = await Connection.open(socket, id, token)
  return new Agent(conn, id, new Logger(id, level, opts.logSink), opts.concurrency !== undefined ? { concurrency: opts.concurrency } : {})
}
