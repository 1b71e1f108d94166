import { QueueErrorCode } from './codes.js'
import { QueueError } from './queue-error.js'

/** Candidates named in an ambiguous-prefix error: enough to pick from, short enough to read. */
const CANDIDATES_SHOWN = 5

/** `replay` of an id or prefix that no dead letter has. */
export class NoDeadLetterError extends QueueError {
  readonly id: string

  constructor(id: string) {
    super(QueueErrorCode.NO_DEAD_LETTER, `no dead letter with id '${id}'; list them with: orch queue dead`)
    this.id = id
  }
}

/** `replay` of a prefix that starts several dead letters' ids: replaying one of them at random would be a guess. */
export class AmbiguousIdError extends QueueError {
  readonly prefix: string
  readonly candidates: readonly string[]

  constructor(prefix: string, candidates: readonly string[]) {
    const shown = candidates.slice(0, CANDIDATES_SHOWN).join(', ')
    const more = candidates.length > CANDIDATES_SHOWN ? `, and ${candidates.length - CANDIDATES_SHOWN} more` : ''
    super(
      QueueErrorCode.AMBIGUOUS_ID,
      `'${prefix}' is the start of ${candidates.length} dead letters' ids (${shown}${more}); give more of the id`,
    )
    this.prefix = prefix
    this.candidates = candidates
  }
}
