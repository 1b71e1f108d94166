import { PluginError } from '../errors/plugin-error.js'
import { quote } from '../schema/problems.js'
import type { InstanceRecord } from '../store/instance-record.js'
import type { AgentType, OrchPlugin, PluginHooks, SpawnSpec } from './types.js'

type HookName = keyof PluginHooks
type HookArg<K extends HookName> = Parameters<NonNullable<PluginHooks[K]>>[0]

export type HookFailure = (plugin: string, hook: string, err: unknown) => void

/** A Valibot schema (of any copy of Valibot: a plugin may bring its own): it runs itself. */
function isSchema(x: unknown): boolean {
  return typeof x === 'object' && x !== null && (x as { kind?: unknown }).kind === 'schema' && typeof (x as Record<string, unknown>)['~run'] === 'function'
}

/** The loaded plugins: agent types by name, and hooks run in isolation. */
export class PluginRegistry {
  private readonly plugins = new Map<string, OrchPlugin>()
  private readonly types = new Map<string, { type: AgentType; plugin: string }>()

  constructor(private readonly onHookFailure: HookFailure = () => {}) {}

  /** Adds a plugin; a type name already taken by another plugin is an error. */
  add(plugin: OrchPlugin, source = plugin.name): void {
    if (!plugin || typeof plugin.name !== 'string' || plugin.name.length === 0) {
      throw new PluginError(`plugin ${source} has no name: its default export must be a plugin object ({ name, agentTypes?, hooks? })`)
    }
    if (this.plugins.has(plugin.name)) return
    for (const type of plugin.agentTypes ?? []) {
      const owner = this.types.get(type.name)
      if (owner) throw new PluginError(`agent type '${type.name}' of plugin '${plugin.name}' is already defined by plugin '${owner.plugin}'`)
      if (typeof type.toSpawnSpec !== 'function') {
        throw new PluginError(`agent type '${type.name}' of plugin '${plugin.name}' has no toSpawnSpec function`)
      }
      for (const [field, schema] of Object.entries(type.options ?? {})) {
        if (!isSchema(schema)) {
          throw new PluginError(
            `option '${field}' of agent type '${type.name}' (plugin '${plugin.name}') is not a Valibot schema, got ${quote(schema)}: ` +
              "write options with `v` and the field builders exported by 'orch', e.g. { words: str() } or { port: v.optional(int({ min: 1 })) }",
          )
        }
      }
    }
    this.plugins.set(plugin.name, plugin)
    for (const type of plugin.agentTypes ?? []) this.types.set(type.name, { type, plugin: plugin.name })
  }

  has(name: string): boolean {
    return this.plugins.has(name)
  }

  type(name: string): AgentType | undefined {
    return this.types.get(name)?.type
  }

  /** What to run for this spawn of `record`: its type's `prepareSpawn`, else the recorded spec. */
  async prepareSpawn(record: InstanceRecord, home: string): Promise<SpawnSpec> {
    const type = this.type(record.agent.type)
    if (!type?.prepareSpawn) return record.spec
    return type.prepareSpawn(record.spec, { agent: record.agent, home })
  }

  typeNames(): string[] {
    return [...this.types.keys()].sort()
  }

  pluginNames(): string[] {
    return [...this.plugins.keys()]
  }

  /** Whether some plugin has this hook: a caller that would build the hook's argument per message asks first. */
  listens(hook: HookName): boolean {
    for (const plugin of this.plugins.values()) if (plugin.hooks?.[hook]) return true
    return false
  }

  /** Runs one hook on every plugin. Never throws: failures go to `onHookFailure`. */
  emit<K extends HookName>(hook: K, arg: HookArg<K>): void {
    for (const plugin of this.plugins.values()) {
      const fn = plugin.hooks?.[hook] as ((a: HookArg<K>) => unknown) | undefined
      if (!fn) continue
      try {
        const r = fn.call(plugin.hooks, arg)
        if (r && typeof (r as Promise<unknown>).catch === 'function') {
          ;(r as Promise<unknown>).catch((err) => this.onHookFailure(plugin.name, hook, err))
        }
      } catch (err) {
        this.onHookFailure(plugin.name, hook, err)
      }
    }
  }
}
