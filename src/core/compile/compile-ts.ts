import { createHash } from 'node:crypto'
import { mkdir, readdir, readFile, rename, rm, stat, utimes, writeFile } from 'node:fs/promises'
import { builtinModules } from 'node:module'
import { dirname, extname, join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import type { Loader, Message, Plugin } from 'esbuild'
import { PACKAGE_ROOT } from '../package-root.js'


const BUILTINS = new Set(builtinModules)
// neither relative nor absolute: a package, or a `#subpath` import of the agent's own package
const BARE = /^[^./]/
const ORCH_ITSELF = /^orch(\/|$)/

/**
 * The compiled file runs from ORCH_HOME, where Node would look for packages in
 * the wrong node_modules. Every package import is resolved here, from the file
 * that imports it (as Node would, with Node's conditions), and written as an
 * absolute path; the package itself is never bundled.
 */
function packagesFromSource(): Plugin {
  return {
    name: 'orch-packages-from-source',
    setup(build) {
      build.onResolve({ filter: BARE }, async (args) => {
        if (args.pluginData === 'orch-resolving' || args.kind === 'entry-point') return undefined
        if (args.path.startsWith('node:') || BUILTINS.has(args.path)) return { path: args.path, external: true }
        const options = { kind: args.kind, importer: args.importer, pluginData: 'orch-resolving' }
        let found = await build.resolve(args.path, { ...options, resolveDir: args.resolveDir })
        // an agent next to a globally installed orch imports the SDK of the orch that runs it
        if (found.errors.length > 0 && ORCH_ITSELF.test(args.path)) found = await build.resolve(args.path, { ...options, resolveDir: PACKAGE_ROOT })
        if (found.errors.length > 0) return { errors: found.errors }
        return { path: found.path, external: true }
      })
    },
  }
}

const LOADERS: Record<string, Loader> = { '.ts': 'ts', '.mts': 'ts', '.cts': 'ts', '.tsx': 'tsx', '.js': 'js', '.mjs': 'js', '.cjs': 'js', '.jsx': 'jsx' }

/**
 * Each of the agent's files keeps its own `import.meta.url` (and `dirname`,
 * `filename`): `new URL('./data.json', import.meta.url)` finds the file next
 * to the source, not next to the compiled bundle.
 */
function importMetaOfSource(): Plugin {
  return {
    name: 'orch-import-meta-of-source',
    setup(build) {
      build.onLoad({ filter: /\.[cm]?[jt]sx?$/ }, async (args) => {
        const loader = LOADERS[extname(args.path)]
        if (!loader) return undefined
        const source = await readFile(args.path, 'utf8')
        // read once: esbuild takes these contents rather than reading the file again
        if (!source.includes('import.meta')) return { contents: source, loader, resolveDir: dirname(args.path) }
        const { transform } = await import('esbuild')
        const out = await transform(source, {
          loader,
          sourcefile: args.path,
          sourcemap: 'inline',
          define: {
            'import.meta.url': JSON.stringify(pathToFileURL(args.path).href),
            'import.meta.dirname': JSON.stringify(dirname(args.path)),
            'import.meta.filename': JSON.stringify(args.path),
          },
        })
        return { contents: out.code, loader: 'js', resolveDir: dirname(args.path) }
      })
    },
  }
}

/** esbuild's first error as `file:line:column: text` (the column counted from 1, as editors do). */
function compileError(script: string, workDir: string, err: unknown): Error {
  const e = (err as { errors?: Message[] }).errors?.[0]
  if (!e) return new Error(`cannot compile ${script}: ${(err as Error).message}`)
  const where = e.location ? `${resolve(workDir, e.location.file)}:${e.location.line}:${e.location.column + 1}` : script
  return new Error(`cannot compile ${where}: ${e.text}`)
}

async function exists(file: string): Promise<boolean> {
  return stat(file).then(
    () => true,
    () => false,
  )
}

/**
 * Compiles a TypeScript agent and the agent's own files it imports into one
 * ES module with an inline source map (stack traces name the .ts lines);
 * packages stay outside, imported from where the agent's folder finds them.
 * esbuild does the work in its own process: the caller's event loop only waits.
 * The output is named by its sha256, so an unchanged agent reuses its file.
 */
export async function compileTs(script: string, cacheDir: string): Promise<string> {
  busy += 1
  clearTimeout(idleTimer)
  try {
    return await compile(script, cacheDir)
  } finally {
    busy -= 1
    if (busy === 0) idleTimer = setTimeout(stopEsbuild, ESBUILD_IDLE_MS).unref()
  }
}

/**
 * esbuild's service process (about 12 MB) would otherwise live as long as the
 * daemon; it starts again in about 90 ms when the next compile needs it.
 */
const ESBUILD_IDLE_MS = 30_000
let busy = 0
let idleTimer: NodeJS.Timeout | undefined

async function stopEsbuild(): Promise<void> {
  const { stop } = await import('esbuild')
  // a compile may have begun while esbuild's module was being looked up
  if (busy === 0) await stop()
}

async function compile(script: string, cacheDir: string): Promise<string> {
  const { build } = await import('esbuild')
  const workDir = dirname(script)
  let result
  try {
    result = await build({
      entryPoints: [script],
      absWorkingDir: workDir,
      bundle: true,
      write: false,
      format: script.endsWith('.cts') ? 'cjs' : 'esm',
      platform: 'node',
      target: `node${process.versions.node}`,
      // Node's own resolution: no `module` condition, `main` only
      conditions: [],
      mainFields: ['main'],
      sourcemap: 'inline',
      sourcesContent: false,
      // source map paths are relative to where the output lives
      outdir: cacheDir,
      logLevel: 'silent',
      plugins: [packagesFromSource(), importMetaOfSource()],
    })
  } catch (err) {
    throw compileError(script, workDir, err)
  }
  const code = result.outputFiles[0]!.contents
  const hash = createHash('sha256').update(code).digest('hex')
  const file = join(cacheDir, `${hash}${script.endsWith('.cts') ? '.cjs' : '.mjs'}`)
  if (await exists(file)) {
    const now = new Date()
    await utimes(file, now, now)
    return file
  }
  await mkdir(cacheDir, { recursive: true, mode: 0o700 })
  // several instances may compile the same script at once: each writes its own file and renames it into place
  const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`
  await writeFile(tmp, code, { mode: 0o600 })
  await rename(tmp, file)
  await pruneCache(cacheDir, Date.now() - CACHE_MAX_AGE_MS)
  return file
}

/** A compiled file not used for this long is removed (every start compiles again, so nothing needs an old one). */
export const CACHE_MAX_AGE_MS = 7 * 24 * 3600_000

/** Removes what was last used (or left half-written) before `before`. */
export async function pruneCache(cacheDir: string, before: number): Promise<void> {
  for (const name of await readdir(cacheDir)) {
    const path = join(cacheDir, name)
    const st = await stat(path).catch(() => null)
    if (st?.isFile() && st.mtimeMs < before) await rm(path, { force: true })
  }
}
