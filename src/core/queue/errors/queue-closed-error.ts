import { QueueErrorCode } from './codes.js'
import { QueueError } from './queue-error.js'

export class QueueClosedError extends QueueError {
  constructor(what = 'message queue') {
    super(QueueErrorCode.QUEUE_CLOSED, `${what} is closed`)
  }
}
