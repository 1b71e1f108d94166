import { ErrorCode } from './codes.js'
import { OrchError } from './orch-error.js'

/** A persisted file orch cannot read safely: an unknown format version, or a shape it does not know. */
export class FileFormatError extends OrchError {
  readonly file: string

  constructor(file: string, message: string) {
    super(ErrorCode.FILE_FORMAT, message, { file })
    this.file = file
  }
}
