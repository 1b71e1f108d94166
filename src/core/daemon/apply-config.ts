import { join } from 'node:path'
import { loadConfigOutside } from '../config/load-outside.js'
import { DASHBOARD_SETTINGS_FILE, writeDashboardSettings } from '../dashboard/dashboard-settings.js'
import { definedEnv } from '../defined-env.js'
import { ConfigError } from '../errors/config-error.js'
import { validateConfig } from '../config/validate.js'
import type { ResolvedAgent } from '../config/types.js'
import { PluginError } from '../errors/plugin-error.js'
import { UnknownAgentError } from '../errors/unknown-agent-error.js'
import { loadPlugin } from '../plugins/load.js'
import type { PluginRegistry } from '../plugins/registry.js'
import type { SpawnSpec } from '../plugins/types.js'
import type { InstanceRecord } from '../store/instance-record.js'
import { runsOutdated } from '../supervisor/definition-key.js'
import type { InstanceView } from '../supervisor/instance.js'
import { dependencyLayers } from '../supervisor/targets.js'
import type { DaemonContext } from './context.js'

/** Where the loader child compiles a JS/TS config for the moment it imports it. */
export const CONFIG_CACHE_DIR = join('cache', 'config')

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
  /** running instances whose definition or environment changed: `orch restart NAME` applies it */
  changed: string[]
  /** running instances restarted to apply a changed definition (`--update-env`) */
  restarted: string[]
  /** instances stopped and forgotten because `instances` went down */
  removed: string[]
}

export interface StartRequest {
  /** the config file; none (and no `definition`): ecosystem.config.* is searched from `cwd` upwards */
  configPath?: string
  /** one agent without a config file (`orch start app.js`), checked like one entry of `agents` */
  definition?: Record<string, unknown>
  cwd: string
  /** the caller's environment; null: the daemon's (a client that does not send it) */
  env: Record<string, string> | null
  only?: string
  /** take `env` for instances that exist already, and restart the running ones it changes */
  updateEnv?: boolean
}

/** An agent as applied: its definition and command, where it came from, the environment it starts with. */
export interface AgentEntry {
  agent: ResolvedAgent
  spec: SpawnSpec
  configPath: string | null
  /** null: keep each existing instance's own (new instances get the daemon's) */
  shellEnv: Record<string, string> | null
  /** replace the environment of instances that exist already */
  updateEnv: boolean
}

async function loadDefinitions(ctx: DaemonContext, req: StartRequest): Promise<{ file: string | null; dir: string; raw: unknown }> {
  if (req.definition) {
    const name = req.definition.name
    const owner = typeof name === 'string' ? ctx.supervisor.ofAgent(name)[0]?.record.configPath : null
    if (owner) throw new ConfigError(`an agent named '${name}' is defined by ${owner}; give this one another name (--name)`, { name })
    return { file: null, dir: req.cwd, raw: { agents: [req.definition] } }
  }
  const loaded = await loadConfigOutside({ configPath: req.configPath, cwd: req.cwd, env: req.env ?? definedEnv(), cacheDir: join(ctx.paths.home, CONFIG_CACHE_DIR) })
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
  return loaded
}

/**
 * `orch start CONFIG` (or `orch start app.js`): evaluate the config outside
 * the daemon, validate, then (only when all of it is valid) record the
 * definitions and start what does not run yet. Agents already running keep
 * running with their process; their new definition applies at their next
 * restart (at once with `updateEnv`).
 */
export async function applyConfig(ctx: DaemonContext, req: StartRequest): Promise<ApplyResult> {
  const loaded = await loadDefinitions(ctx, req)
  const config = validateConfig(loaded.raw, loaded.file ?? 'given on the command line', loaded.dir, ctx.registry)
  let agents = config.agents
  if (req.only) {
    agents = agents.filter((a) => a.name === req.only)
    if (agents.length === 0) {
      throw new UnknownAgentError(`no agent named '${req.only}' in ${loaded.file}; known: ${config.agents.map((a) => a.name).join(', ')}`)
    }
  }
  const specs = agents.map((a) => spawnSpecOf(ctx.registry, a))
  if (loaded.file !== null) {
    ctx.monitor.setInterval(config.monitorIntervalMs)
    if (config.queue.durability) ctx.queueDurability.set(config.queue.durability)
    if (config.otlp !== undefined) ctx.tracing.set(config.otlp)
    if (config.metrics !== undefined) await ctx.observer.endpoint.configure(config.metrics)
    if (config.history) ctx.historyRetention.set(config.history)
    // remembered for `orch dashboard`, which reads it at each call; the dashboard itself is not loaded here
    if (config.dashboard) {
      await writeDashboardSettings(join(ctx.paths.dataDir, DASHBOARD_SETTINGS_FILE), config.dashboard).catch((err) =>
        ctx.log.error('cannot remember the dashboard address', { err }),
      )
    }
  }
  const entries = agents.map((agent, i) => ({
    agent,
    spec: specs[i]!,
    configPath: loaded.file,
    shellEnv: req.env,
    updateEnv: req.updateEnv === true,
  }))
  return applyAgents(ctx, entries)
}

/**
 * Makes the supervisor hold these agents: each instance recorded (new ones
 * created, extra ones stopped and forgotten), then started in dependency order
 * unless it runs. A running instance whose definition changed keeps its
 * process (`changed`) unless the entry updates the environment (`restarted`).
 */
export async function applyAgents(ctx: DaemonContext, entries: AgentEntry[], start = true): Promise<ApplyResult> {
  const { supervisor } = ctx
  const removedIds: string[] = []
  const toStart: InstanceView[] = []
  const toUpdate: InstanceView[] = []
  const removed: Array<{ id: string; reason: string }> = []
  for (const { agent, spec, configPath, shellEnv, updateEnv } of entries) {
    const wanted = new Set<string>()
    for (let n = 0; n < agent.instances; n++) {
      const id = instanceId(agent, n)
      const existing = supervisor.get(id)
      const env = existing && !updateEnv ? (existing.record.shellEnv ?? null) : shellEnv
      const inst = supervisor.upsert({ ...newRecord(agent, n, spec, configPath), shellEnv: env })
      wanted.add(id)
      ;(updateEnv ? toUpdate : toStart).push(inst)
    }
    for (const old of supervisor.ofAgent(agent.name)) {
      if (wanted.has(old.record.id)) continue
      // stopped first: the queue takes back what it held when its process ends
      await supervisor.remove(old)
      removedIds.push(old.record.id)
      removed.push({ id: old.record.id, reason: `instance ${old.record.id} was removed (instances ${old.record.agent.instances} → ${agent.instances})` })
    }
  }
  if (removed.length > 0) {
    // the queue knows the new instance counts before it decides what a removed id still receives
    ctx.syncAgents()
    for (const { id, reason } of removed) ctx.queue.removeInstance(id, reason)
  }
  if (!start) return { started: [], unchanged: [], changed: [], restarted: [], removed: removedIds }
  const kept = await startInstances(ctx, toStart, false, 'started by orch start')
  const updated = await startInstances(ctx, toUpdate, true, 'started by orch start')
  const merged = { started: [], unchanged: [], changed: [], restarted: [] } as Omit<ApplyResult, 'removed'>
  for (const k of Object.keys(merged) as Array<keyof typeof merged>) merged[k] = [...kept[k], ...updated[k]]
  return { ...merged, removed: removedIds }
}

/**
 * Starts the instances that do not run, what others depend on first (so
 * that they wait for an agent that is starting, not one not yet asked to).
 * A running instance whose definition or environment changed since it
 * started is restarted when `update` (`--update-env`), else reported
 * `changed`: its process keeps running as it was.
 */
export async function startInstances(
  ctx: DaemonContext,
  instances: readonly InstanceView[],
  update: boolean,
  reason: string,
): Promise<Omit<ApplyResult, 'removed'>> {
  const result: Omit<ApplyResult, 'removed'> = { started: [], unchanged: [], changed: [], restarted: [] }
  const toRestart = update ? instances.filter((i) => runsOutdated(i.record)) : []
  if (toRestart.length > 0) {
    await ctx.supervisor.restart(toRestart, 'restarting with a new definition or environment (--update-env)', 'restarted with a new definition or environment (--update-env)')
    result.restarted.push(...toRestart.map((i) => i.record.id))
  }
  const restarted = new Set(result.restarted)
  const rest = instances.filter((i) => !restarted.has(i.record.id))
  const started = new Set<string>()
  for (const inst of dependencyLayers(rest).flat()) if (ctx.supervisor.start(inst, reason)) started.add(inst.record.id)
  for (const { record } of rest) {
    if (started.has(record.id)) result.started.push(record.id)
    else (runsOutdated(record) ? result.changed : result.unchanged).push(record.id)
  }
  return result
}
