import { OrchError } from '../core/errors/orch-error.js'
import { CliErrorCode } from './cli-error-codes.js'

/** A unit file in the way: `orch startup --install` refuses to overwrite it, `orch unstartup` to remove it, without --force. */
export class UnitConflictError extends OrchError {
  constructor(message: string) {
    super(CliErrorCode.UNIT_CONFLICT, message)
  }
}
