import { ErrorCode } from './codes.js'
import { OrchError } from './orch-error.js'

export class TimeoutError extends OrchError {
  constructor(message: string, data?: unknown) {
    super(ErrorCode.TIMEOUT, message, data)
  }
}
