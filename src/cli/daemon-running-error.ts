import { OrchError } from '../core/errors/orch-error.js'
import { CliErrorCode } from './cli-error-codes.js'

/** `orch daemon run` when this ORCH_HOME already has a daemon: there is never a second one. */
export class DaemonRunningError extends OrchError {
  constructor(home: string, pid: number | null, config: string | undefined) {
    const which = pid ? `a daemon already runs for ${home} (pid ${pid})` : `another daemon holds ${home} (it is starting or stopping)`
    const instead = config ? `, or hand it the config with 'orch start ${config}'` : ''
    super(
      CliErrorCode.DAEMON_RUNNING,
      `${which}; 'orch daemon run' starts one only when none runs: stop it first with 'orch daemon stop' (its agents keep running) or 'orch kill' (they stop too)${instead}`,
    )
  }
}
