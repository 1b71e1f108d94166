import { ErrorCode } from './codes.js'
import { OrchError } from './orch-error.js'

export class DaemonUnreachableError extends OrchError {
  constructor(message: string, data?: unknown) {
    super(ErrorCode.DAEMON_UNREACHABLE, message, data)
  }
}
