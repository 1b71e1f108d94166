import { ErrorCode } from './codes.js'
import { OrchError } from './orch-error.js'

/** What a failed reload did before it stopped. */
export interface ReloadFailure {
  /** the instance whose new process did not come online */
  agent: string
  /** instances reloaded before it */
  reloaded: string[]
  /** instances after it, left as they were */
  notReloaded: string[]
}

/** `orch reload`: an instance's new process did not come online; its old process keeps running and the reload stopped there. */
export class ReloadFailedError extends OrchError {
  declare readonly data: ReloadFailure

  constructor(message: string, data: ReloadFailure) {
    super(ErrorCode.RELOAD_FAILED, message, data)
  }

  /** The same failure, as seen by a reload of several instances. */
  within(reloaded: string[], notReloaded: string[]): ReloadFailedError {
    const rest = notReloaded.length > 0 ? `; not reloaded: ${notReloaded.join(', ')}` : ''
    const done = reloaded.length > 0 ? `; reloaded before it: ${reloaded.join(', ')}` : ''
    return new ReloadFailedError(`${this.message}${done}${rest}`, { ...this.data, reloaded, notReloaded })
  }
}
