// Bundles the CLI and the daemon into dist/cli/ and dist/daemon/. Start-up of
// `orch ls` and of a fresh daemon is dominated by resolving and compiling
// hundreds of modules; one bundle each cuts that. What only some paths need
// (jiti for .ts configs, cosmiconfig, chokidar, plugin-help) stays external and
// is loaded on demand; so is OpenTelemetry, which only a daemon exporting spans
// loads (src/core/otel/otlp-exporter.ts).
import { mkdirSync, writeFileSync } from 'node:fs'
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
  write: false,
}

/**
 * Writes a build's files with every character outside ASCII escaped (\uXXXX,
 * valid in comments, strings, regular expressions and identifiers alike; esbuild
 * leaves some in comments and regular expressions): one such character makes V8
 * hold the whole file's source as UTF-16, twice its size (about 0.5 MiB of the
 * daemon's heap), and decoding it slower.
 */
function writeAscii(result) {
  for (const file of result.outputFiles) {
    mkdirSync(dirname(file.path), { recursive: true })
    writeFileSync(file.path, file.text.replace(/[^\x00-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`))
  }
}
// fast-ls.js: `orch ls` while the daemon runs, without oclif (bin/run.js tries it first)
writeAscii(
  await build({
    ...common,
    entryPoints: { entry: join(root, 'dist/src/cli/entry.js'), 'fast-ls': join(root, 'dist/src/cli/fast-ls.js') },
    outdir: join(root, 'dist/cli'),
  }),
)
// foreground.js: the daemon of `orch daemon run`, imported by the CLI; shares its chunks with main.js
writeAscii(
  await build({
    ...common,
    entryPoints: { main: join(root, 'dist/src/core/daemon/main.js'), foreground: join(root, 'dist/src/core/daemon/foreground.js') },
    outdir: join(root, 'dist/daemon'),
    // Minified: V8 keeps each chunk's source in the heap as a string (this halves
    // it) and what it holds per function shrinks too; about 1 MiB less RSS for an
    // idle daemon. Identifiers keep their names, so stack traces still name
    // functions and classes (positions are line 1, column N of the chunk).
    minifyWhitespace: true,
    minifySyntax: true,
  }),
)
console.log('bundled dist/cli/entry.js, dist/daemon/main.js and dist/daemon/foreground.js')
