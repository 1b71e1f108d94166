import { ErrorCode } from './codes.js'
import { OrchError } from './orch-error.js'

export class BadParamsError extends OrchError {
  constructor(message: string, data?: unknown) {
    super(ErrorCode.BAD_PARAMS, message, data)
  }
}
