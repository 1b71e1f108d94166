import { ErrorCode } from './codes.js'
import { OrchError } from './orch-error.js'

export class SocketPathTooLongError extends OrchError {
  constructor(message: string, data?: unknown) {
    super(ErrorCode.SOCKET_PATH_TOO_LONG, message, data)
  }
}
