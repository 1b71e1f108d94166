import { NotAnAgentError } from '../core/errors/not-an-agent-error.js'
import { Agent } from './agent.js'
import { Connection } from './connection.js'
import { isLogLevel, Logger } from './logger.js'
import type { AgentOptions } from './types.js'

/**
 * Connects to the daemon that spawned this agent, from ORCH_SOCKET and
 * ORCH_AGENT_ID (or `{ socket, id }`). Throws NotAnAgentError (E_NOT_AN_AGENT)
 * when neither is there, and DaemonUnreachableError when nothing answers.
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
  const conn = await Connection.open(socket, id)
  return new Agent(conn, id, new Logger(id, level, opts.logSink))
}
