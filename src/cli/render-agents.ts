import type { AgentInfo } from '../core/protocol/types.js'
import { paint, statusColour } from './colour.js'
import { formatBytes, formatDuration, table } from './format.js'

const STATUS_COLUMN = 2
const RESTARTS_COLUMN = 5

export interface RenderOptions {
  /** colour the status column */
  colour?: boolean
  /** the terminal's width: when a line does not fit, 'restarts' heads as '↺' (as in pm2), then long names (then types) are cut with '…' */
  width?: number
}

/** The `orch ls` table. */
export function renderAgents(agents: AgentInfo[], opts: RenderOptions = {}): string {
  if (agents.length === 0) return 'no agents; start some with: orch start ecosystem.config.ts'
  return table(
    ['name', 'type', 'status', 'pid', 'uptime', 'restarts', 'cpu', 'memory', 'inbox', 'in flight'],
    agents.map((a) => [
      a.id,
      a.type,
      a.status,
      a.pid ?? '-',
      a.pid === null ? '-' : formatDuration(a.uptime),
      a.restarts,
      a.pid === null ? '-' : `${a.cpu}%`,
      a.pid === null ? '-' : formatBytes(a.memory),
      a.inbox,
      a.inFlight,
    ]),
    {
      paint: (c, text) => (c === STATUS_COLUMN ? paint(text, statusColour(text), opts.colour ?? false) : text),
      width: opts.width,
      shrink: [0, 1],
      // as pm2 heads it: seven more characters for the names on a narrow terminal
      shortHeaders: { [RESTARTS_COLUMN]: '↺' },
    },
  )
}
