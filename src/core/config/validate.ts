import { existsSync } from 'node:fs'
import { isAbsolute, resolve } from 'node:path'
import * as v from 'valibot'
import { ConfigError } from '../errors/config-error.js'
import { isPlainObject, problemsOf, quote, unknownKeys, type FieldProblem } from '../schema/problems.js'
import { parseDuration, parseSize } from '../schema/units.js'
import type { PluginRegistry } from '../plugins/registry.js'
import * as D from './defaults.js'
import type { MetricsAddress } from '../observe/metrics-settings.js'
import { AGENT_SCHEMA, COMMON_AGENT_ENTRIES, CONFIG_ENTRIES, DASHBOARD_ENTRIES, HISTORY_ENTRIES, METRICS_ENTRIES, OTLP_ENTRIES, QUEUE_ENTRIES } from './schema.js'
import type { DashboardAddress } from './types.js'
import { DEFAULT_HISTORY_BOUND } from '../history/history-bound.js'
import type { Durability } from './durability.js'
import { findCycle } from './cycles.js'
import { fieldHint } from './field-hints.js'
import { typeOf } from './type-of.js'
import type { AgentDefinition, OtlpSettings, ResolvedAgent, ResolvedConfig } from './types.js'

function problemLine(where: string, p: FieldProblem): string {
  if (p.value !== undefined) return `${where}field '${p.field}' must be ${p.allowed}, got ${quote(p.value)}`
  // `name: undefined` reads as a missing name, as it does in the object as written
  return `${where}field '${p.field}' is ${p.allowed.startsWith('required: ') ? p.allowed : `required: ${p.allowed}`}`
}

function agentLabel(i: number, raw: unknown): string {
  const name = isPlainObject(raw) && typeof raw.name === 'string' ? ` (agent '${raw.name}')` : ''
  return `agents[${i}]${name}: `
}

/** The top level without `agents`, which is checked agent by agent against each one's type. */
const TOP_LEVEL = v.object({ ...CONFIG_ENTRIES, agents: v.optional(v.unknown()) })
const QUEUE_SCHEMA = v.object(QUEUE_ENTRIES)
const OTLP_SCHEMA = v.object(OTLP_ENTRIES)
const METRICS_SCHEMA = v.object(METRICS_ENTRIES)

/** `metrics` as written → where to serve (null: not served); undefined when the config does not say. */
function metricsOf(raw: unknown): MetricsAddress | null | undefined {
  if (!isPlainObject(raw)) return undefined
  if (raw.enabled === false) return null
  return { host: ((raw.host as string | undefined) ?? D.DEFAULT_METRICS_HOST).replace(/^\[|\]$/g, ''), port: (raw.port as number | undefined) ?? D.DEFAULT_METRICS_PORT }
}
const HISTORY_SCHEMA = v.object(HISTORY_ENTRIES)
const DASHBOARD_SCHEMA = v.object(DASHBOARD_ENTRIES)

/** `dashboard` as written → where `orch dashboard` serves; undefined when the config does not say. */
function dashboardOf(raw: unknown): DashboardAddress | undefined {
  if (!isPlainObject(raw)) return undefined
  return { host: ((raw.host as string | undefined) ?? D.DEFAULT_DASHBOARD_HOST).replace(/^\[|\]$/g, ''), port: (raw.port as number | undefined) ?? D.DEFAULT_DASHBOARD_PORT }
}
const allowedList = (entries: object) => Object.keys(entries).join(', ')

/** `watch: true` is the agent's folder; paths are relative to it. */
function watchPaths(watch: AgentDefinition['watch'], cwd: string): string[] {
  if (watch === true) return [cwd]
  if (!watch) return []
  return watch.map((w) => (isAbsolute(w) ? w : resolve(cwd, w)))
}

function resolveAgent(def: AgentDefinition, type: string, configDir: string): ResolvedAgent {
  const env: Record<string, string> = {}
  for (const [k, value] of Object.entries(def.env ?? {})) env[k] = String(value)
  const cwd = def.cwd ? resolve(configDir, def.cwd) : configDir
  return {
    name: def.name,
    type,
    cwd,
    env,
    args: def.args ?? [],
    instances: def.instances ?? 1,
    autorestart: def.autorestart ?? true,
    maxRestarts: def.maxRestarts ?? D.DEFAULT_MAX_RESTARTS,
    restartWindowMs: parseDuration(def.restartWindow) ?? D.DEFAULT_RESTART_WINDOW_MS,
    backoff: {
      initialMs: parseDuration(def.backoff?.initial) ?? D.DEFAULT_BACKOFF_INITIAL_MS,
      maxMs: parseDuration(def.backoff?.max) ?? D.DEFAULT_BACKOFF_MAX_MS,
      factor: def.backoff?.factor ?? D.DEFAULT_BACKOFF_FACTOR,
    },
    startGraceMs: parseDuration(def.startGrace) ?? D.DEFAULT_START_GRACE_MS,
    readyTimeoutMs: parseDuration(def.readyTimeout) ?? null,
    killTimeoutMs: parseDuration(def.killTimeout) ?? D.DEFAULT_KILL_TIMEOUT_MS,
    killSignal: def.killSignal ?? D.DEFAULT_KILL_SIGNAL,
    maxMemoryBytes: parseSize(def.maxMemory) ?? null,
    watch: watchPaths(def.watch, cwd),
    ignoreWatch: def.ignoreWatch ?? [],
    dependsOn: def.dependsOn ?? [],
    logMaxBytes: parseSize(def.logMaxSize) ?? D.DEFAULT_LOG_MAX_BYTES,
    logRetain: def.logRetain ?? D.DEFAULT_LOG_RETAIN,
    concurrency: def.concurrency ?? D.DEFAULT_CONCURRENCY,
    leaseTimeoutMs: parseDuration(def.leaseTimeout) ?? D.DEFAULT_LEASE_TIMEOUT_MS,
    raw: def,
    configDir,
  }
}

/**
 * Validates a loaded config against the common schema and each agent type's
 * options. Collects every problem, then throws one ConfigError naming the
 * file, the agent and the field; nothing is started from a config with errors.
 */
export function validateConfig(raw: unknown, file: string, configDir: string, registry: PluginRegistry): ResolvedConfig {
  const errors: string[] = []
  const fail = (): never => {
    throw new ConfigError(`invalid config ${file}:\n  - ${errors.join('\n  - ')}`, { file, errors })
  }
  if (!isPlainObject(raw)) {
    errors.push(`it must export a config object (export default defineConfig({ agents: [...] })), got ${quote(raw)}`)
    return fail()
  }
  for (const p of problemsOf(TOP_LEVEL, raw)) errors.push(problemLine('', p))
  for (const k of unknownKeys(TOP_LEVEL, raw)) {
    errors.push(`unknown top-level field '${k}'${fieldHint(k, Object.keys(TOP_LEVEL.entries), 'top')}; allowed: ${allowedList(CONFIG_ENTRIES)}`)
  }
  if (isPlainObject(raw.queue)) {
    for (const k of unknownKeys(QUEUE_SCHEMA, raw.queue)) {
      errors.push(`unknown field 'queue.${k}'${fieldHint(k, Object.keys(QUEUE_ENTRIES), 'queue')}; allowed: ${allowedList(QUEUE_ENTRIES)}`)
    }
  }
  if (isPlainObject(raw.otlp)) {
    for (const k of unknownKeys(OTLP_SCHEMA, raw.otlp)) {
      errors.push(`unknown field 'otlp.${k}'${fieldHint(k, Object.keys(OTLP_ENTRIES), 'otlp')}; allowed: ${allowedList(OTLP_ENTRIES)}`)
    }
  }
  if (isPlainObject(raw.metrics)) {
    for (const k of unknownKeys(METRICS_SCHEMA, raw.metrics)) {
      errors.push(`unknown field 'metrics.${k}'${fieldHint(k, Object.keys(METRICS_ENTRIES), 'metrics')}; allowed: ${allowedList(METRICS_ENTRIES)}`)
    }
  }
  if (isPlainObject(raw.dashboard)) {
    for (const k of unknownKeys(DASHBOARD_SCHEMA, raw.dashboard)) {
      errors.push(`unknown field 'dashboard.${k}'${fieldHint(k, Object.keys(DASHBOARD_ENTRIES), 'dashboard')}; allowed: ${allowedList(DASHBOARD_ENTRIES)}`)
    }
  }
  if (isPlainObject(raw.history)) {
    for (const k of unknownKeys(HISTORY_SCHEMA, raw.history)) {
      errors.push(`unknown field 'history.${k}'${fieldHint(k, Object.keys(HISTORY_ENTRIES), 'history')}; allowed: ${allowedList(HISTORY_ENTRIES)}`)
    }
  }
  if (!Array.isArray(raw.agents)) {
    if (raw.agents === undefined) errors.push("field 'agents' is required: an array of agent definitions")
    else errors.push(`field 'agents' must be an array of agent definitions, got ${quote(raw.agents)}`)
    return fail()
  }

  const agents: ResolvedAgent[] = []
  const seen = new Map<string, number>()
  raw.agents.forEach((def: unknown, i: number) => {
    const where = agentLabel(i, def)
    if (!isPlainObject(def)) {
      errors.push(`${where}must be an object such as { name: 'worker', script: './worker.js' }, got ${quote(def)}`)
      return
    }
    const before = errors.length
    for (const p of problemsOf(AGENT_SCHEMA, def)) errors.push(problemLine(where, p))
    if (typeof def.name === 'string') {
      const first = seen.get(def.name)
      if (first !== undefined) errors.push(`${where}duplicate name '${def.name}' (also agents[${first}]); names must be unique`)
      else seen.set(def.name, i)
    }
    const typeName = typeOf(def)
    const type = typeName ? registry.type(typeName) : undefined
    if (!typeName) {
      for (const k of unknownKeys(AGENT_SCHEMA, def)) {
        errors.push(`${where}unknown field '${k}'${fieldHint(k, Object.keys(COMMON_AGENT_ENTRIES), 'agent')}; allowed: ${allowedList(COMMON_AGENT_ENTRIES)}`)
      }
      errors.push(`${where}field 'script' is required (a Node script to run), or 'command' for any other program, or a 'type'`)
    } else if (!type) {
      errors.push(`${where}field 'type' names an unknown agent type ${quote(typeName)}; known types: ${registry.typeNames().join(', ')} (a plugin listed in 'plugins' can add more)`)
    } else {
      const options = v.object(type.options ?? {})
      for (const p of problemsOf(options, def)) errors.push(problemLine(where, p))
      const known = { ...COMMON_AGENT_ENTRIES, ...options.entries }
      for (const k of unknownKeys({ entries: known }, def)) {
        errors.push(`${where}unknown field '${k}' for type '${typeName}'${fieldHint(k, Object.keys(known), 'agent')}; allowed: ${allowedList(known)}`)
      }
      if (typeof def.cwd === 'string' && !existsSync(resolve(configDir, def.cwd))) {
        errors.push(`${where}field 'cwd' must be an existing directory, got ${quote(def.cwd)} (${resolve(configDir, def.cwd)} does not exist)`)
      }
      if (errors.length === before && type.check) {
        for (const p of type.check(def, { configDir })) errors.push(problemLine(where, p))
      }
    }
    if (errors.length === before && typeName) agents.push(resolveAgent(def as AgentDefinition, typeName, configDir))
  })

  const names = new Set(agents.map((a) => a.name))
  for (const a of agents) {
    const where = agentLabel(seen.get(a.name)!, a.raw)
    for (const dep of a.dependsOn) {
      if (dep === a.name) errors.push(`${where}field 'dependsOn' names the agent itself`)
      else if (!names.has(dep) && !seen.has(dep)) errors.push(`${where}field 'dependsOn' names unknown agent ${quote(dep)}; known agents: ${[...seen.keys()].join(', ')}`)
    }
  }
  const cycle = errors.length === 0 ? findCycle(agents.map((a) => [a.name, a.dependsOn])) : null
  if (cycle) errors.push(`field 'dependsOn' forms a cycle: ${cycle.join(' -> ')}`)
  if (errors.length > 0) fail()

  return {
    file,
    plugins: (raw.plugins as string[] | undefined) ?? [],
    monitorIntervalMs: parseDuration(raw.monitorInterval) ?? D.DEFAULT_MONITOR_INTERVAL_MS,
    queue: isPlainObject(raw.queue) && raw.queue.durability !== undefined ? { durability: raw.queue.durability as Durability } : {},
    ...(isPlainObject(raw.otlp) ? { otlp: otlpOf(raw.otlp) } : {}),
    metrics: metricsOf(raw.metrics),
    ...(isPlainObject(raw.dashboard) ? { dashboard: dashboardOf(raw.dashboard) } : {}),
    ...(isPlainObject(raw.history)
      ? {
          history: {
            enabled: (raw.history.enabled as boolean | undefined) ?? DEFAULT_HISTORY_BOUND.enabled,
            maxEvents: (raw.history.maxEvents as number | undefined) ?? DEFAULT_HISTORY_BOUND.maxEvents,
            maxAgeMs: parseDuration(raw.history.maxAge) ?? DEFAULT_HISTORY_BOUND.maxAgeMs,
          },
        }
      : {}),
    agents,
  }
}

/** `otlp` as written (already checked): null when `enabled: false`. */
function otlpOf(raw: Record<string, unknown>): OtlpSettings | null {
  if (raw.enabled === false) return null
  const headers = Object.entries((raw.headers as Record<string, string | number | boolean> | undefined) ?? {})
  return { endpoint: raw.endpoint as string, headers: Object.fromEntries(headers.map(([k, value]) => [k, String(value)])) }
}
