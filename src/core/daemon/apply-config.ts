import { loadConfigFile } from '../config/load.js'
import { validateConfig } from '../config/validate.js'
import type { ResolvedAgent } from '../config/types.js'
import { PluginError } from '../errors/plugin-error.js'
import { UnknownAgentError } from '../errors/unknown-agent-error.js'
import { loadPlugin } from '../plugins/load.js'
import type { PluginRegistry } from '../plugins/registry.js'
import type { SpawnSpec } from '../plugins/types.js'
import type { InstanceRecord } from '../store/instance-record.js'
import { dependencyLayers } from '../supervisor/targets.js'
import type { DaemonContext } from './context.js'

export function instanceId(agent: ResolvedAgent, index: number): string {
  return agent.instances === 1 ? agent.name : `${agent.name}:${index}`
}

function spawnSpecOf(registry: PluginRegistry, agent: ResolvedAgent): SpawnSpec {
  const type = registry.type(agent.type)!
  try {
    const spec = type.toSpawnSpec(agent)
    if (!spec || typeof spec.command !== 'string' || !Array.isArray(spec.args)) {
      throw new Error('it must return { command: string, args: string[] }')
    }
    return spec
  } catch (err) {
    throw new PluginError(`agent type '${agent.type}' failed to build the command of agent '${agent.name}': ${(err as Error).message}`)
  }
}

export function newRecord(agent: ResolvedAgent, index: number, spec: SpawnSpec, configPath: string | null): InstanceRecord {
  return {
    id: instanceId(agent, index),
    name: agent.name,
    index,
    agent,
    spec,
    configPath,
    desired: 'stopped',
    status: 'stopped',
    pid: null,
    procStart: null,
    startedAt: null,
    restarts: 0,
    history: { restarts: [], consecutive: 0 },
    events: [],
  }
}

export interface ApplyResult {
  started: string[]
  unchanged: string[]
}

/**
 * `orch start CONFIG`: load, validate, then (only when all of it is valid)
 * record the definitions and start what does not run yet. Agents already
 * running keep running with their process; their new definition applies
 * at their next restart.
 */
export async function applyConfig(ctx: DaemonContext, configPath: string | undefined, cwd: string, only?: string): Promise<ApplyResult> {
  const loaded = await loadConfigFile(configPath, cwd)
  const raw = loaded.raw as { plugins?: unknown }
  if (Array.isArray(raw?.plugins)) {
    for (const spec of raw.plugins) {
      if (typeof spec !== 'string') continue
      const plugin = await loadPlugin(spec, loaded.dir)
      if (!ctx.registry.has(plugin.name)) {
        ctx.registry.add(plugin, spec)
        ctx.plugins.remember(spec, loaded.dir)
      }
    }
  }
  const config = validateConfig(loaded.raw, loaded.file, loaded.dir, ctx.registry)
  let agents = config.agents
  if (only) {
    agents = agents.filter((a) => a.name === only)
    if (agents.length === 0) {
      throw new UnknownAgentError(`no agent named '${only}' in ${loaded.file}; known: ${config.agents.map((a) => a.name).join(', ')}`)
    }
  }
  const specs = agents.map((a) => spawnSpecOf(ctx.registry, a))
  ctx.monitor.setInterval(config.monitorIntervalMs)
  if (config.queue.durability) ctx.queueDurability.set(config.queue.durability)

  const { supervisor } = ctx
  const result: ApplyResult = { started: [], unchanged: [] }
  const toStart = []
  const removed: Array<{ id: string; reason: string }> = []
  for (const [i, agent] of agents.entries()) {
    const wanted = new Set<string>()
    for (let n = 0; n < agent.instances; n++) {
      const inst = supervisor.upsert(newRecord(agent, n, specs[i]!, loaded.file))
      wanted.add(inst.record.id)
      toStart.push(inst)
    }
    for (const old of supervisor.ofAgent(agent.name)) {
      if (wanted.has(old.record.id)) continue
      // stopped first: the queue takes back what it held when its process ends
      await supervisor.remove(old)
      removed.push({ id: old.record.id, reason: `instance ${old.record.id} was removed (instances ${old.record.agent.instances} → ${agent.instances})` })
    }
  }
  if (removed.length > 0) {
    // the queue knows the new instance counts before it decides what a removed id still receives
    ctx.syncAgents()
    for (const { id, reason } of removed) ctx.queue.removeInstance(id, reason)
  }
  // what others depend on first, so that they wait for an agent that is starting, not one not yet asked to
  const started = new Set<string>()
  for (const inst of dependencyLayers(toStart).flat()) if (supervisor.start(inst, 'started by orch start')) started.add(inst.record.id)
  for (const inst of toStart) (started.has(inst.record.id) ? result.started : result.unchanged).push(inst.record.id)
  return result
}
