import { ErrorCode } from './codes.js'
import { OrchError } from './orch-error.js'

export class DaemonStartError extends OrchError {
  constructor(message: string, data?: unknown) {
    super(ErrorCode.DAEMON_START_FAILED, message, data)
  }
}
