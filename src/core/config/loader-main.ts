/**
 * The config loader child (see load-outside.ts): evaluates one config file in
 * its own short-lived process, with the environment and working directory of
 * the orch command that asked, and hands the daemon plain data over IPC.
 *
 *   node loader-main.js CACHE_DIR [CONFIG_PATH]     (cwd: where to resolve it / search from)
 *
 * CACHE_DIR (under ORCH_HOME) receives the compiled JS/TS config for the
 * moment it is imported.
 */
import { extname } from 'node:path'
import { OrchError } from '../errors/orch-error.js'
import { expandEnv } from './expand-env.js'
import { loadConfigFile } from './load.js'
import { plainData } from './plain-data.js'
import type { LoaderAnswer } from './loader-answer.js'

const DATA_FILES = new Set(['.json', '.yaml', '.yml'])

async function evaluate(): Promise<LoaderAnswer> {
  try {
    const loaded = await loadConfigFile(process.argv[3] || undefined, process.cwd(), process.argv[2]!)
    const raw = DATA_FILES.has(extname(loaded.file)) ? expandEnv(loaded.raw, process.env) : loaded.raw
    return { ok: true, file: loaded.file, dir: loaded.dir, raw: plainData(raw) }
  } catch (err) {
    const code = err instanceof OrchError ? err.code : 'E_CONFIG_INVALID'
    return { ok: false, code, message: (err as Error).message ?? String(err) }
  }
}

const answer = await evaluate()
// The daemon kills this process group once it has the answer: a config that
// left a server or a timer running does not keep it alive.
process.send!(answer, () => process.exit(0))
