// Bundles the CLI and the daemon into dist/cli/ and dist/daemon/. Start-up of
// `orch ls` and of a fresh daemon is dominated by resolving and compiling
// hundreds of modules; one bundle each cuts that. What only some paths need
// (jiti for .ts configs, cosmiconfig, chokidar, plugin-help) stays external and
// is loaded on demand; so is OpenTelemetry, which only a daemon exporting spans
// loads (src/core/otel/otlp-exporter.ts).
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const common = {
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // typescript and ts-node only serve oclif's development mode.
  external: ['@oclif/plugin-help', 'jiti', 'esbuild', 'cosmiconfig', 'chokidar', 'typescript', 'ts-node', '@opentelemetry/*'],
  // oclif and NeDB are CommonJS: give their require() calls a real require in the ESM bundle.
  banner: { js: "import { createRequire as __orchCreateRequire } from 'node:module'; const require = __orchCreateRequire(import.meta.url);" },
  logLevel: 'warning',
}
await build({ ...common, entryPoints: { entry: join(root, 'dist/src/cli/entry.js') }, outdir: join(root, 'dist/cli') })
// foreground.js: the daemon of `orch daemon run`, imported by the CLI; shares its chunks with main.js
await build({
  ...common,
  entryPoints: { main: join(root, 'dist/src/core/daemon/main.js'), foreground: join(root, 'dist/src/core/daemon/foreground.js') },
  outdir: join(root, 'dist/daemon'),
})
console.log('bundled dist/cli/entry.js, dist/daemon/main.js and dist/daemon/foreground.js')
