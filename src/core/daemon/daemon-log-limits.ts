import { parseSize } from '../schema/units.js'
import { DEFAULT_LOG_MAX_BYTES, DEFAULT_LOG_RETAIN } from '../config/defaults.js'

/** Most rotated copies of daemon.log kept, whatever the environment asks. */
const MAX_DAEMON_LOG_RETAIN = 100

export interface DaemonLogLimits {
  maxBytes: number
  retain: number
  /** settings that were not understood and fell back to the default, to log */
  ignored: string[]
}

/**
 * daemon.log rotates like an agent's log, at the same defaults (10M, 3
 * copies). No config file belongs to the daemon, so the environment it
 * starts with may change them: ORCH_DAEMON_LOG_MAX_SIZE ('10M', bytes) and
 * ORCH_DAEMON_LOG_RETAIN (0 to 100).
 */
export function daemonLogLimits(env: NodeJS.ProcessEnv = process.env): DaemonLogLimits {
  const ignored: string[] = []
  let maxBytes = DEFAULT_LOG_MAX_BYTES
  let retain = DEFAULT_LOG_RETAIN
  const size = env.ORCH_DAEMON_LOG_MAX_SIZE
  if (size !== undefined && size !== '') {
    const n = parseSize(size)
    if (n === undefined) ignored.push(`ORCH_DAEMON_LOG_MAX_SIZE=${JSON.stringify(size)} (a size such as '10M')`)
    else maxBytes = n
  }
  const keep = env.ORCH_DAEMON_LOG_RETAIN
  if (keep !== undefined && keep !== '') {
    const n = Number(keep)
    if (!Number.isInteger(n) || n < 0 || n > MAX_DAEMON_LOG_RETAIN) ignored.push(`ORCH_DAEMON_LOG_RETAIN=${JSON.stringify(keep)} (0 to ${MAX_DAEMON_LOG_RETAIN})`)
    else retain = n
  }
  return { maxBytes, retain, ignored }
}
