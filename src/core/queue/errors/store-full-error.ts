import { QueueErrorCode } from './codes.js'
import { QueueError } from './queue-error.js'

/**
 * The queue file could not take a write (no space, quota, or a short write).
 * Nothing of that write is stored: its sends were refused; its acks and
 * updates stay in memory and go out with the next write that fits.
 */
export class StoreFullError extends QueueError {
  readonly file: string

  constructor(file: string, reason: string) {
    super(
      QueueErrorCode.STORE_FULL,
      `disk full: ${file} could not be written (${reason}); not stored. ` +
        `Free space on that disk, then send again (acks and updates are kept and written once there is room)`,
    )
    this.file = file
  }
}
