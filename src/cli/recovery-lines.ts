import type { DaemonStatus } from '../core/protocol/types.js'
import { formatTime } from './format.js'

type Recovered = DaemonStatus['recovered']

/** The `recovered` lines of `orch daemon status`: nothing when no file needed repair. */
export function recoveryLines(recovered: Recovered): string[] {
  if (recovered.length === 0) return []
  return [
    `recovered ${recovered.length} file${recovered.length === 1 ? '' : 's'} (unreadable records moved aside; see daemon.log):`,
    ...recovered.map(
      (r) => `  ${formatTime(r.at)}  ${r.file}: ${r.lines} record${r.lines === 1 ? '' : 's'} dropped (${r.reason}), ${r.movedTo ? `kept in ${r.movedTo}` : 'not kept (no room to copy them)'}`,
    ),
  ]
}
