import { ErrorCode } from './codes.js'
import { OrchError } from './orch-error.js'

export class VersionMismatchError extends OrchError {
  constructor(message: string, data?: unknown) {
    super(ErrorCode.VERSION_MISMATCH, message, data)
  }
}
