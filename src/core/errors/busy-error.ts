import { ErrorCode } from './codes.js'
import { OrchError } from './orch-error.js'

export class BusyError extends OrchError {
  constructor(message: string, data?: unknown) {
    super(ErrorCode.BUSY, message, data)
  }
}
