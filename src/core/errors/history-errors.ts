import { ErrorCode } from './codes.js'
import { OrchError } from './orch-error.js'

/** Candidates named in an ambiguous-prefix error: enough to pick from, short enough to read. */
const CANDIDATES_SHOWN = 5

/** `history.trace` of an id the history does not hold. */
export class NotInHistoryError extends OrchError {
  constructor(id: string) {
    super(
      ErrorCode.NOT_IN_HISTORY,
      `no message nor correlation id '${id}' in the message history: it was never sent, or it is older than the history keeps (config 'history'); recent ones: orch queue history`,
    )
  }
}

/** `history.trace` of a prefix that starts several messages' ids. */
export class AmbiguousMessageIdError extends OrchError {
  constructor(prefix: string, candidates: readonly string[]) {
    const shown = candidates.slice(0, CANDIDATES_SHOWN).join(', ')
    const more = candidates.length > CANDIDATES_SHOWN ? `, and ${candidates.length - CANDIDATES_SHOWN} more` : ''
    super(ErrorCode.AMBIGUOUS_ID, `'${prefix}' is the start of ${candidates.length} messages' ids (${shown}${more}); give more of the id`)
  }
}
