import { ErrorCode } from './codes.js'
import { OrchError } from './orch-error.js'

export class ConfigNotFoundError extends OrchError {
  constructor(message: string, data?: unknown) {
    super(ErrorCode.CONFIG_NOT_FOUND, message, data)
  }
}
