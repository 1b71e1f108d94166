import { ErrorCode } from './codes.js'
import { OrchError } from './orch-error.js'

export class StopFailedError extends OrchError {
  constructor(message: string, data?: unknown) {
    super(ErrorCode.STOP_FAILED, message, data)
  }
}
