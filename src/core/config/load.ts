import { existsSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { ConfigError } from '../errors/config-error.js'
import { ConfigNotFoundError } from '../errors/config-not-found-error.js'
import { importFresh } from './import-fresh.js'

export const CONFIG_NAMES = [
  'ecosystem.config.ts',
  'ecosystem.config.mts',
  'ecosystem.config.js',
  'ecosystem.config.mjs',
  'ecosystem.config.cjs',
  'ecosystem.config.json',
  'ecosystem.config.yaml',
  'ecosystem.config.yml',
]

async function jitiLoader(filepath: string): Promise<unknown> {
  const mod = (await importFresh(filepath, dirname(filepath))) as { default?: unknown }
  return mod && typeof mod === 'object' && 'default' in mod ? mod.default : mod
}

export interface LoadedConfig {
  file: string
  dir: string
  raw: unknown
}

/**
 * Reads a config file: `path` when given, else the first ecosystem.config.*
 * found from `cwd` upwards. TypeScript and JavaScript go through jiti (fresh
 * each time, so an edited config is seen); JSON and YAML through cosmiconfig.
 */
export async function loadConfigFile(path: string | undefined, cwd: string): Promise<LoadedConfig> {
  const { cosmiconfig } = await import('cosmiconfig')
  const loaders = { '.ts': jitiLoader, '.mts': jitiLoader, '.js': jitiLoader, '.mjs': jitiLoader, '.cjs': jitiLoader }
  const explorer = cosmiconfig('orch', { searchPlaces: CONFIG_NAMES, loaders, cache: false, searchStrategy: 'global' })
  let result
  if (path) {
    const file = resolve(cwd, path)
    if (!existsSync(file)) throw new ConfigNotFoundError(`config file ${file} does not exist`)
    try {
      result = await explorer.load(file)
    } catch (err) {
      throw new ConfigError(`cannot load config ${file}: ${firstLines((err as Error).message)}`, { file })
    }
  } else {
    try {
      result = await explorer.search(cwd)
    } catch (err) {
      throw new ConfigError(`cannot load config found from ${cwd}: ${firstLines((err as Error).message)}`)
    }
    if (!result) {
      throw new ConfigNotFoundError(`no config found in ${cwd} or above; create ${CONFIG_NAMES[0]} or pass its path: orch start path/to/${CONFIG_NAMES[0]}`)
    }
  }
  if (!result || result.isEmpty) throw new ConfigError(`config ${path ?? cwd} is empty; it must export { agents: [...] }`)
  return { file: result.filepath, dir: dirname(result.filepath), raw: result.config }
}

function firstLines(msg: string): string {
  return msg.split('\n').slice(0, 4).join('\n')
}
