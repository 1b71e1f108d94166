import { QueueErrorCode } from './codes.js'
import { QueueError } from './queue-error.js'

/** A send (or subscription) was refused before anything was stored. */
export class InvalidMessageError extends QueueError {
  /** the offending field, e.g. 'priority' */
  readonly field: string

  constructor(field: string, message: string) {
    super(QueueErrorCode.INVALID_MESSAGE, `invalid message: ${message}`)
    this.field = field
  }
}
