import { TimeoutError } from '../../core/errors/timeout-error.js'

export interface RequestTimeoutData {
  to: string
  type: string
  correlationId: string
  timeoutMs: number
}

/** No reply came within the request's timeout. Code `E_TIMEOUT`. */
export class RequestTimeoutError extends TimeoutError {
  declare readonly data: RequestTimeoutData

  constructor(data: RequestTimeoutData) {
    super(`no reply from '${data.to}' to '${data.type}' within ${data.timeoutMs} ms (correlationId ${data.correlationId})`, data)
  }
}
