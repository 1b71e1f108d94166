import { readFileSync } from 'node:fs'
import type { ParamsOf, ResultOf } from '../../protocol/methods.js'
import { runsOutdated } from '../../supervisor/definition-key.js'
import { isSameProcess } from '../../supervisor/proc.js'
import { agentEnv } from '../../supervisor/spawn-agent.js'
import { resolveTarget } from '../../supervisor/targets.js'
import type { DaemonContext } from '../context.js'

const SECRETS = new Set(['ORCH_AGENT_TOKEN'])
const MASK = '***'

/** A running process's environment as the kernel keeps it (what it started with), or null when it cannot be read. */
function processEnv(pid: number): Record<string, string> | null {
  try {
    const env: Record<string, string> = {}
    for (const entry of readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0')) {
      const eq = entry.indexOf('=')
      if (eq > 0) env[entry.slice(0, eq)] = entry.slice(eq + 1)
    }
    return env
  } catch {
    return null
  }
}

function masked(env: NodeJS.ProcessEnv | Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {}
  for (const name of Object.keys(env).sort()) {
    const value = env[name]
    if (value !== undefined) out[name] = SECRETS.has(name) && value !== '' ? MASK : value
  }
  return out
}

/** `orch env NAME`: what each instance's process has, or what its next start gets. */
export function agentsEnv(params: ParamsOf<'agents.env'>, ctx: DaemonContext): ResultOf<'agents.env'> {
  return resolveTarget(ctx.supervisor, params.name).map(({ record }) => {
    const live = record.pid !== null && isSameProcess(record.pid, record.procStart) ? processEnv(record.pid) : null
    const pending = live !== null && runsOutdated(record)
    return live
      ? { id: record.id, pid: record.pid, source: 'process' as const, pending, env: masked(live) }
      : { id: record.id, pid: null, source: 'definition' as const, pending: false, env: masked(agentEnv(record, ctx.paths)) }
  })
}
