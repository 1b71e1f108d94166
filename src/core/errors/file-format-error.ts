import { ErrorCode } from './codes.js'
import { OrchError } from './orch-error.js'

/** A persisted file of a wrong shape or of a format version this orch does not know. The message names the file and what to do. */
export class FileFormatError extends OrchError {
  constructor(
    readonly file: string,
    message: string,
  ) {
    super(ErrorCode.FILE_FORMAT, message, { file })
  }
}
