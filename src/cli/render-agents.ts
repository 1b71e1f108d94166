import type { AgentInfo } from '../core/protocol/types.js'
import { formatBytes, formatDuration, table } from './format.js'

/** The `orch ls` table. */
export function renderAgents(agents: AgentInfo[]): string {
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
  )
}
