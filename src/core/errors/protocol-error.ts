import { ErrorCode } from './codes.js'
import { OrchError } from './orch-error.js'

export class ProtocolError extends OrchError {
  constructor(message: string, data?: unknown) {
    super(ErrorCode.PROTOCOL, message, data)
  }
}
