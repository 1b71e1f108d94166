import { ErrorCode } from './codes.js'
import { OrchError } from './orch-error.js'

export class UnknownMethodError extends OrchError {
  constructor(message: string, data?: unknown) {
    super(ErrorCode.UNKNOWN_METHOD, message, data)
  }
}
