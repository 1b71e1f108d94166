import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

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
  const jiti = createJiti(pathToFileURL(join(fromDir, '__orch__.js')).href, { moduleCache: false })
  const resolved = jiti.esmResolve(specifier)
  const file = resolved.startsWith('file:') ? fileURLToPath(resolved) : resolved
  return jiti.evalModule(readFileSync(file, 'utf8'), { filename: file, async: true, forceTranspile: true })
}
