import type { QueueErrorCodeValue } from './codes.js'

/** Base of every error the queue throws on purpose. `code` is stable. */
export class QueueError extends Error {
  readonly code: QueueErrorCodeValue

  constructor(code: QueueErrorCodeValue, message: string) {
    super(message)
    this.name = new.target.name
    this.code = code
  }
}
