import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

/** The root of the orch package (holds package.json), from src/, dist/src/ or a bundle in dist/ alike. */
export const PACKAGE_ROOT: string = (() => {
  let dir = dirname(fileURLToPath(import.meta.url))
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir)
  return dir
})()

/** The daemon entry point: the bundle of dist/src/core/daemon/main.js (scripts/bundle.mjs). */
export const DAEMON_MAIN = join(PACKAGE_ROOT, 'dist', 'daemon', 'main.js')

/** The daemon of `orch daemon run`, in this process: the bundle of dist/src/core/daemon/foreground.js. */
export const DAEMON_FOREGROUND = join(PACKAGE_ROOT, 'dist', 'daemon', 'foreground.js')
