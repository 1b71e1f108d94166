import { ErrorCode } from './codes.js'
import { OrchError } from './orch-error.js'

export class NotAnAgentError extends OrchError {
  constructor(message: string, data?: unknown) {
    super(ErrorCode.NOT_AN_AGENT, message, data)
  }
}
