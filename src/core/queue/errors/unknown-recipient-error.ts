import { QueueErrorCode } from './codes.js'
import { QueueError } from './queue-error.js'

export class UnknownRecipientError extends QueueError {
  readonly recipient: string
  readonly knownAgents: readonly string[]

  constructor(recipient: string, knownAgents: readonly string[], detail?: string) {
    const known = knownAgents.length > 0 ? knownAgents.join(', ') : '(none)'
    super(
      QueueErrorCode.UNKNOWN_RECIPIENT,
      `unknown recipient '${recipient}'${detail ? ` (${detail})` : ''}; known agents: ${known}` +
        `; address an agent name, 'name:N' for one instance, or 'topic:NAME'`,
    )
    this.recipient = recipient
    this.knownAgents = knownAgents
  }
}
