import { ErrorCode } from './codes.js'
import { OrchError } from './orch-error.js'

export class ConfigError extends OrchError {
  constructor(message: string, data?: unknown) {
    super(ErrorCode.CONFIG_INVALID, message, data)
  }
}
