import { compareNames } from '../../compare-names.js'
import { FileFormatError } from '../../errors/file-format-error.js'
import { NotAnAgentError } from '../../errors/not-an-agent-error.js'
import type { MethodName, ParamsOf, ResultOf } from '../../protocol/methods.js'
import type { InstanceView } from '../../supervisor/instance.js'
import { ALL_AGENTS, resolveTarget } from '../../supervisor/targets.js'
import { readDesiredState } from '../../store/desired-state.js'
import { applyConfig, instanceId, newRecord, startInstances } from '../apply-config.js'
import type { DaemonContext, Handler } from '../context.js'
import { agentDescription, agentInfo } from './agent-info.js'

type H<M extends MethodName> = Handler<ParamsOf<M>, ResultOf<M>>

/** How long `agents.start`, `restart` and `scale` wait for their agents to be spawned before they answer with their rows. */
export const SPAWN_WAIT_MS = 2_000

/** Every instance, by name then instance. */
function sortedInstances(ctx: DaemonContext): InstanceView[] {
  return ctx.supervisor.all().sort((a, b) => compareNames(a.record.name, b.record.name) || a.record.index - b.record.index)
}

/** `--update-env`: these instances start with `env` (the caller's) from their next start on. */
function takeEnv(ctx: DaemonContext, instances: readonly InstanceView[], env: Record<string, string>): void {
  for (const inst of instances) ctx.supervisor.upsert({ ...inst.record, shellEnv: env })
}

export const agentsList: H<'agents.list'> = (_p, ctx) => {
  const now = Date.now()
  return sortedInstances(ctx).map((i) => agentInfo(i, ctx, now))
}

/** `orch start CONFIG|app.js` applies a config or one definition; `orch start NAME|all` starts known agents again. */
export const agentsStart: H<'agents.start'> = async (params, ctx) => {
  const env = params.env ?? null
  if (params.target && !params.configPath && !params.definition) {
    const instances = resolveTarget(ctx.supervisor, params.target)
    if (params.updateEnv && env) takeEnv(ctx, instances, env)
    const result = { ...(await startInstances(ctx, instances, params.updateEnv === true, 'started by user')), removed: [] }
    await ctx.supervisor.leftStopped(instances, SPAWN_WAIT_MS)
    return { ...result, agents: instances.map((i) => agentInfo(i, ctx)) }
  }
  const result = await applyConfig(ctx, {
    configPath: params.configPath,
    definition: params.definition,
    cwd: params.cwd ?? process.cwd(),
    env,
    only: params.only,
    updateEnv: params.updateEnv,
  })
  ctx.syncAgents()
  const ids = new Set([...result.started, ...result.unchanged, ...result.changed, ...result.restarted])
  const instances = ctx.supervisor.all().filter((i) => ids.has(i.record.id))
  await ctx.supervisor.leftStopped(instances, SPAWN_WAIT_MS)
  return { ...result, agents: instances.map((i) => agentInfo(i, ctx)) }
}

export const agentsStop: H<'agents.stop'> = async (params, ctx) => {
  const instances = resolveTarget(ctx.supervisor, params.target)
  await ctx.supervisor.stopAll(instances, 'stopped by user')
  return instances.map((i) => agentInfo(i, ctx))
}

export const agentsRestart: H<'agents.restart'> = async (params, ctx) => {
  const instances = resolveTarget(ctx.supervisor, params.target)
  // --update-env: the shell's environment from now on, this restart included
  if (params.env) takeEnv(ctx, instances, params.env)
  await ctx.supervisor.restart(instances, 'restart requested by user', 'restarted by user')
  // the rows of the new processes, not the `stopped` of the moment between
  await ctx.supervisor.leftStopped(instances, SPAWN_WAIT_MS)
  return instances.map((i) => agentInfo(i, ctx))
}

/** `orch reload`: instance by instance, by name then instance (`all`: agent by agent); see Supervisor.reload. */
export const agentsReload: H<'agents.reload'> = async (params, ctx) => {
  const target = resolveTarget(ctx.supervisor, params.target)
  const instances = params.target === ALL_AGENTS ? sortedInstances(ctx) : target
  if (params.env) takeEnv(ctx, instances, params.env)
  await ctx.supervisor.reload(instances, 'reloaded by user')
  return instances.map((i) => agentInfo(i, ctx))
}

export const agentsDelete: H<'agents.delete'> = async (params, ctx) => {
  const instances = resolveTarget(ctx.supervisor, params.target)
  await ctx.supervisor.stopAll(instances, 'deleted by user')
  for (const inst of instances) await ctx.supervisor.remove(inst)
  ctx.syncAgents()
  return { deleted: instances.map((i) => i.record.id) }
}

/** A name or an instance: its (first) instance. `all`: every instance, in `agents.list` order; none is an empty list. */
export const agentsDescribe: H<'agents.describe'> = (params, ctx) => {
  if (params.name === ALL_AGENTS) return sortedInstances(ctx).map((i) => agentDescription(i, ctx))
  const instances = resolveTarget(ctx.supervisor, params.name)
  return agentDescription(instances[0]!, ctx)
}

/** Starts what desired.json says was running: after a reboot, or after `orch kill`. */
export const agentsResurrect: H<'agents.resurrect'> = (_p, ctx) => {
  const read = readDesiredState(ctx.paths.desiredState)
  const lost = read.movedTo ? { movedTo: read.movedTo } : ctx.recovery.list().find((r) => r.file === ctx.paths.desiredState)
  if (read.movedTo) ctx.recovery.note({ file: ctx.paths.desiredState, lines: 1, movedTo: read.movedTo, reason: read.reason })
  if (!read.state && lost) {
    throw new FileFormatError(
      ctx.paths.desiredState,
      `${ctx.paths.desiredState} was unreadable and was moved to ${lost.movedTo}: nothing to resurrect from it. Start your agents with \`orch start <config>\``,
    )
  }
  const started: string[] = []
  for (const { agent, configPath, spec, shellEnv } of read.state?.agents ?? []) {
    for (let n = 0; n < agent.instances; n++) {
      const inst = ctx.supervisor.get(instanceId(agent, n)) ?? ctx.supervisor.upsert({ ...newRecord(agent, n, spec, configPath), shellEnv: shellEnv ?? null })
      if (ctx.supervisor.start(inst, 'resurrected')) started.push(inst.record.id)
    }
  }
  ctx.syncAgents()
  return { started }
}

/** An agent's SDK says it is ready: it is online now, whatever its start grace. */
export const agentReady: H<'agent.ready'> = (_p, ctx, conn) => {
  if (!conn.agent) throw new NotAnAgentError("only an agent can signal ready: say hello with client 'agent' and your ORCH_AGENT_ID first")
  ctx.supervisor.markReady(conn.agent, conn.token)
  return { ok: true }
}
