import { isAbsolute, join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { PACKAGE_ROOT } from '../package-root.js'
import { PluginError } from '../errors/plugin-error.js'
import { importFresh } from '../config/import-fresh.js'
import type { OrchPlugin } from './types.js'

/** The built-in agent types are plugins too; they ship compiled in dist/plugins. */
const BUILTIN_DIR = join(PACKAGE_ROOT, 'dist', 'plugins')
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
  return pluginOf(name, await import(pathToFileURL(resolve(BUILTIN_DIR, name, 'index.js')).href))
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
