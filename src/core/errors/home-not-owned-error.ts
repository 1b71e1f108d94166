import { ErrorCode } from './codes.js'
import { OrchError } from './orch-error.js'

export class HomeNotOwnedError extends OrchError {
  constructor(message: string, data?: unknown) {
    super(ErrorCode.HOME_NOT_OWNED, message, data)
  }
}
