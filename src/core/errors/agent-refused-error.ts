import { ErrorCode } from './codes.js'
import { OrchError } from './orch-error.js'

/** `hello` as an agent without the token orch gave that instance, or as an instance no config defines. */
export class AgentRefusedError extends OrchError {
  constructor(message: string, data?: unknown) {
    super(ErrorCode.AGENT_REFUSED, message, data)
  }
}
