import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { PACKAGE_ROOT } from '../package-root.js'

/**
 * `orch` and `orch/agent` from the running orch's own package, for a config or
 * plugin whose folder has no orch of its own (next to a globally installed CLI).
 */
function orchAliases(fromDir: string): Record<string, string> {
  try {
    createRequire(join(fromDir, '__orch__.js')).resolve('orch/package.json')
    return {}
  } catch {
    return {
      'orch/agent': join(PACKAGE_ROOT, 'dist', 'src', 'agent', 'index.js'),
      'orch/package.json': join(PACKAGE_ROOT, 'package.json'),
      orch: join(PACKAGE_ROOT, 'dist', 'src', 'index.js'),
    }
  }
}

/**
 * Imports a module (.ts, .js, .mjs, .cjs or a package name resolved from
 * `fromDir`) through jiti, bypassing every module cache: the daemon re-reads a
 * config or plugin each time `orch start` names it, so edits take effect.
 * jiti.import() alone hands native ESM to Node's loader, whose cache lives as
 * long as the process, so the source is evaluated by jiti itself.
 */
export async function importFresh(specifier: string, fromDir = process.cwd()): Promise<unknown> {
  // Loaded on first use: the daemon boots faster and smaller without it.
  const { createJiti } = await import('jiti')
  const jiti = createJiti(pathToFileURL(join(fromDir, '__orch__.js')).href, {
    moduleCache: false,
    // jiti's default cache is /tmp/jiti, world-readable, and would hold the config's env values (secrets)
    fsCache: false,
    alias: orchAliases(fromDir),
  })
  const resolved = jiti.esmResolve(specifier)
  const file = resolved.startsWith('file:') ? fileURLToPath(resolved) : resolved
  return jiti.evalModule(readFileSync(file, 'utf8'), { filename: file, async: true, forceTranspile: true })
}
