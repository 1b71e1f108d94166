import { existsSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

/** The root of the orch package (holds package.json), from src/ or dist/src/ alike. */
export const PACKAGE_ROOT: string = (() => {
  let dir = dirname(fileURLToPath(import.meta.url))
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir)
  return dir
})()

/** The daemon entry point: the bundle of dist/src/core/daemon/main.js (scripts/bundle.mjs). */
export const DAEMON_MAIN = join(PACKAGE_ROOT, 'dist', 'daemon', 'main.js')

export const ORCH_VERSION: string = (() => {
  try {
    return (JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string }).version
  } catch {
    return '0.0.0'
  }
})()
