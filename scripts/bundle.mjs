// Bundles the CLI (dist/src/cli/entry.js: oclif and every command) into dist/cli/.
// Start-up of `orch ls` is dominated by resolving and compiling modules; one bundle
// cuts that. Daemon-only packages stay external: the CLI never loads them.
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
await build({
  entryPoints: { entry: join(root, 'dist/src/cli/entry.js') },
  outdir: join(root, 'dist/cli'),
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // typescript and ts-node are only for oclif's development mode.
  external: ['@oclif/plugin-help', 'jiti', 'cosmiconfig', 'nedb-promises', 'pidusage', 'chokidar', 'typescript', 'ts-node'],
  // oclif is CommonJS: give its require() calls a real require in the ESM bundle.
  banner: { js: "import { createRequire as __orchCreateRequire } from 'node:module'; const require = __orchCreateRequire(import.meta.url);" },
  logLevel: 'warning',
})
console.log('dist/cli/entry.js bundled')
