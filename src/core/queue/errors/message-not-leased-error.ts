import { QueueErrorCode } from './codes.js'
import { QueueError } from './queue-error.js'

/** An ack or nack for a message that is not (or no longer) leased to that recipient. */
export class MessageNotLeasedError extends QueueError {
  readonly recipientId: string
  readonly messageId: string

  constructor(recipientId: string, messageId: string) {
    super(
      QueueErrorCode.NOT_LEASED,
      `message '${messageId}' is not leased to '${recipientId}' ` +
        `(already acked, or its lease ran out and it was requeued)`,
    )
    this.recipientId = recipientId
    this.messageId = messageId
  }
}
