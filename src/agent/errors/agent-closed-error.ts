import { OrchError } from '../../core/errors/orch-error.js'
import { AgentErrorCode } from './codes.js'

/** The agent was closed: calls still waiting (a send, a request) are rejected with this. */
export class AgentClosedError extends OrchError {
  constructor(message = 'the agent is closed', data?: unknown) {
    super(AgentErrorCode.AGENT_CLOSED, message, data)
  }
}
