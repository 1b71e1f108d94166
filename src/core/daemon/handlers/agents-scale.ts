import { BadParamsError } from '../../errors/bad-params-error.js'
import { UnknownAgentError } from '../../errors/unknown-agent-error.js'
import type { ParamsOf, ResultOf } from '../../protocol/methods.js'
import { MAX_INSTANCES } from '../../config/schema.js'
import { applyAgents } from '../apply-config.js'
import type { DaemonContext } from '../context.js'
import { agentInfo } from './agent-info.js'
import { SPAWN_WAIT_MS } from './agents.js'


/**
 * `orch scale NAME N`: the agent's definition with another instance count,
 * applied as `orch start` applies a config. New instances start when the
 * agent is wanted running (any of its instances is), with the environment of
 * its first instance.
 */
export async function agentsScale(params: ParamsOf<'agents.scale'>, ctx: DaemonContext): Promise<ResultOf<'agents.scale'>> {
  const { supervisor } = ctx
  const current = supervisor.ofAgent(params.name)
  if (current.length === 0) {
    const byId = supervisor.get(params.name)
    throw new UnknownAgentError(
      byId
        ? `'${params.name}' is an instance; scale its agent: orch scale ${byId.record.name} N`
        : `no agent named '${params.name}'; known: ${supervisor.agentNames().join(', ') || 'none'}`,
      { target: params.name },
    )
  }
  if ((params.instances === undefined) === (params.delta === undefined)) throw new BadParamsError("give exactly one of 'instances' and 'delta'")
  const first = current[0]!.record
  const count = params.instances ?? first.agent.instances + params.delta!
  if (count < 1 || count > MAX_INSTANCES) {
    throw new BadParamsError(
      `${params.name} would have ${count} instances; it can have 1 to ${MAX_INSTANCES}` + (count < 1 ? `. To stop every instance: orch stop ${params.name}` : ''),
    )
  }
  const running = current.some((i) => i.record.desired === 'running')
  const before = new Set(current.map((i) => i.record.id))
  const entry = { agent: { ...first.agent, instances: count }, spec: first.spec, configPath: first.configPath, shellEnv: first.shellEnv ?? null, updateEnv: false }
  const { removed } = await applyAgents(ctx, [entry], false)
  ctx.syncAgents()
  const instances = supervisor.ofAgent(params.name)
  // only the new ones: an instance the user stopped stays stopped
  const added = instances.filter((i) => !before.has(i.record.id))
  const started = running ? added.filter((i) => supervisor.start(i, `started by orch scale (${current.length} → ${count})`)) : []
  await supervisor.leftStopped(started, SPAWN_WAIT_MS)
  return { started: started.map((i) => i.record.id), removed, agents: instances.map((i) => agentInfo(i, ctx)) }
}
