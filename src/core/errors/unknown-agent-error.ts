import { ErrorCode } from './codes.js'
import { OrchError } from './orch-error.js'

export class UnknownAgentError extends OrchError {
  constructor(message: string, data?: unknown) {
    super(ErrorCode.UNKNOWN_AGENT, message, data)
  }
}
