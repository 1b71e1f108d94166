import { ErrorCode } from './codes.js'
import { OrchError } from './orch-error.js'

export class FrameTooLargeError extends OrchError {
  constructor(message: string, data?: unknown) {
    super(ErrorCode.FRAME_TOO_LARGE, message, data)
  }
}
