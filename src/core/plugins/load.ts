import { isAbsolute, resolve } from 'node:path'
import { PluginError } from '../errors/plugin-error.js'
import { importFresh } from '../config/import-fresh.js'
import type { OrchPlugin } from './types.js'

/**
 * The built-in agent types are plugins too. They are imported from the
 * sources (not from dist/plugins by path) so that the daemon's bundle holds
 * them and shares valibot and the schema helpers with the rest of the daemon:
 * a second copy of each cost about 1 MiB of RSS.
 */
const BUILTIN: Record<string, () => Promise<unknown>> = {
  node: () => import('../../../plugins/node/index.js'),
  process: () => import('../../../plugins/process/index.js'),
  external: () => import('../../../plugins/external/index.js'),
}
export const BUILTIN_PLUGINS = ['node', 'process', 'external']

function pluginOf(spec: string, mod: unknown): OrchPlugin {
  const m = mod as { default?: unknown } | undefined
  const plugin = (m && typeof m === 'object' && 'default' in m && m.default ? m.default : m) as OrchPlugin | undefined
  if (!plugin || typeof plugin !== 'object' || typeof plugin.name !== 'string') {
    throw new PluginError(`plugin '${spec}' does not default-export a plugin object ({ name, agentTypes?, hooks? })`)
  }
  return plugin
}

export async function loadBuiltinPlugin(name: string): Promise<OrchPlugin> {
  const load = BUILTIN[name]
  if (!load) throw new PluginError(`no built-in plugin '${name}'; built-in: ${BUILTIN_PLUGINS.join(', ')}`)
  return pluginOf(name, await load())
}

/** Loads a plugin module given by path (relative to `baseDir`) or package name. */
export async function loadPlugin(spec: string, baseDir: string): Promise<OrchPlugin> {
  const target = spec.startsWith('.') || isAbsolute(spec) ? resolve(baseDir, spec) : spec
  let mod: unknown
  try {
    mod = await importFresh(target, baseDir)
  } catch (err) {
    throw new PluginError(`cannot load plugin '${spec}' (from ${baseDir}): ${(err as Error).message.split('\n')[0]}`)
  }
  return pluginOf(spec, mod)
}
