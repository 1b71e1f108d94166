import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { createJiti } from 'jiti'

/**
 * Imports a module (.ts, .js, .mjs, .cjs or a package name resolved from
 * `fromDir`) through jiti, bypassing the module cache: the daemon re-reads a
 * config or plugin each time `orch start` names it, so edits take effect.
 */
export async function importFresh(specifier: string, fromDir = process.cwd()): Promise<unknown> {
  const jiti = createJiti(pathToFileURL(join(fromDir, '__orch__.js')).href, { moduleCache: false })
  return jiti.import(specifier)
}
