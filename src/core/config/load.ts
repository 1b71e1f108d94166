import { existsSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { ConfigError } from '../errors/config-error.js'
import { ConfigNotFoundError } from '../errors/config-not-found-error.js'
import { rm } from 'node:fs/promises'
import { pathToFileURL } from 'node:url'

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

/**
 * A JS or TS config: compiled by esbuild (as TypeScript agents are: the
 * config's own files bundled, packages imported from where it finds them,
 * `orch` from the running orch when the config's folder has none) into
 * `cacheDir` under ORCH_HOME, imported, and the compiled file removed at once:
 * it may hold the config's secrets. Runs in the loader child only.
 */
function compiledLoader(cacheDir: string) {
  return async (filepath: string): Promise<unknown> => {
    const { compileTs } = await import('../compile/compile-ts.js')
    const compiled = await compileTs(filepath, cacheDir)
    try {
      const mod = (await import(pathToFileURL(compiled).href)) as { default?: unknown }
      return mod && typeof mod === 'object' && 'default' in mod ? mod.default : mod
    } finally {
      await rm(compiled, { force: true })
    }
  }
}

export interface LoadedConfig {
  file: string
  dir: string
  raw: unknown
}

/**
 * Reads a config file: `path` when given, else the first ecosystem.config.*
 * found from `cwd` upwards, through cosmiconfig. TypeScript and JavaScript
 * are compiled by esbuild into `cacheDir` (see compiledLoader); JSON and YAML
 * are cosmiconfig's. Evaluated in the loader child (loader-main.ts), never in
 * the daemon.
 */
export async function loadConfigFile(path: string | undefined, cwd: string, cacheDir: string): Promise<LoadedConfig> {
  const { cosmiconfig } = await import('cosmiconfig')
  const load = compiledLoader(cacheDir)
  const loaders = { '.ts': load, '.mts': load, '.cts': load, '.js': load, '.mjs': load, '.cjs': load }
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
