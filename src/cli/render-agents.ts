import type { AgentInfo } from '../core/protocol/types.js'
import { paint, statusColour } from './colour.js'
import { formatBytes, formatDuration, table } from './format.js'

const STATUS_COLUMN = 2

export interface RenderOptions {
  /** colour the status column */
  colour?: boolean
  /** the terminal's width: long names (then types) are cut with '…' so that a line fits */
  width?: number
}

/** The `orch ls` table. */
export function renderAgents(agents: AgentInfo[], opts: RenderOptions = {}): string {
  if (agents.length === 0) return 'no agents; start some with: orch start ecosystem.config.ts'
  return table(
    ['name', 'type', 'status', 'pid', 'uptime', 'restarts', 'cpu', 'memory', 'inbox'],
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
    ]),
    {
      paint: (c, text) => (c === STATUS_COLUMN ? paint(text, statusColour(text), opts.colour ?? false) : text),
      width: opts.width,
      shrink: [0, 1],
    },
  )
}
