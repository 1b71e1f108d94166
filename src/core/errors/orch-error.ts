/** Base of every error orch throws on purpose. `code` is stable and never renumbered. */
export class OrchError extends Error {
  readonly code: string
  readonly data?: unknown

  constructor(code: string, message: string, data?: unknown) {
    super(message)
    this.name = new.target.name
    this.code = code
    this.data = data
  }
}
