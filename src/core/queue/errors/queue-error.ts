import { OrchError } from '../../errors/orch-error.js'
import type { QueueErrorCodeValue } from './codes.js'

/** Base of every error the queue throws on purpose. `code` is stable. */
export class QueueError extends OrchError {
  declare readonly code: QueueErrorCodeValue

  constructor(code: QueueErrorCodeValue, message: string) {
    super(code, message)
  }
}
