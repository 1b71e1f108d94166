import { ErrorCode } from './codes.js'
import { OrchError } from './orch-error.js'

export class PluginError extends OrchError {
  constructor(message: string, data?: unknown) {
    super(ErrorCode.PLUGIN, message, data)
  }
}
