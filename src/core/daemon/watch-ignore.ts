import { isAbsolute, join, relative, resolve, sep } from 'node:path'
import { globToRegExp, isGlob } from './glob.js'

/** Never watched, whatever the config says: they change all the time and a restart does not apply them. */
const ALWAYS = new Set(['node_modules', '.git'])

/** What a watcher of one agent needs to tell ignored paths from watched ones. */
export interface WatchScope {
  /** the agent's cwd: `ignoreWatch` patterns are relative to it */
  cwd: string
  /** absolute paths the agent watches */
  watch: readonly string[]
  /** the agent's `ignoreWatch`, as written */
  ignore: readonly string[]
  /** ORCH_HOME */
  home: string
}

/** `p` is `dir` or under it. */
export function within(p: string, dir: string): boolean {
  return !outside(relative(dir, p))
}

/** A relative path that climbs out of where it starts (not a name such as '..b'). */
function outside(rel: string): boolean {
  return rel === '..' || rel.startsWith(`..${sep}`) || rel.startsWith('../') || isAbsolute(rel)
}

/** 'a/b/c' → ['a', 'a/b', 'a/b/c']: a pattern that matches a folder ignores what is under it. */
function prefixes(rel: string): string[] {
  const segs = rel.split('/')
  return segs.map((_, i) => segs.slice(0, i + 1).join('/'))
}

/** Tests one `ignoreWatch` pattern against an absolute path. */
function patternTest(pattern: string, cwd: string): (p: string) => boolean {
  if (!isGlob(pattern)) {
    const target = resolve(cwd, pattern)
    return (p) => within(p, target)
  }
  if (isAbsolute(pattern)) {
    const re = globToRegExp(pattern.split(sep).join('/'))
    return (p) => prefixes(p.split(sep).join('/')).some((x) => re.test(x))
  }
  const glob = pattern.replace(/^(\.\/)+/, '').replace(/\/+$/, '')
  const re = globToRegExp(glob)
  // without a '/', a pattern names a file or folder at any depth, as in .gitignore: `*.log`
  const anyDepth = !glob.includes('/')
  return (p) => {
    const rel = relative(cwd, p).split(sep).join('/')
    if (anyDepth) return rel.split('/').some((s) => s !== '..' && s !== '' && re.test(s))
    return !outside(rel) && prefixes(rel).some((x) => re.test(x))
  }
}

/**
 * The `ignored` function of one agent's watcher: node_modules and .git
 * anywhere; ORCH_HOME when it is under a watched path (agents' logs, the
 * queue and the compile cache are written there: a watch on the agent's
 * folder would restart it at each log line), and orch's own folders in
 * it in any case; then the agent's `ignoreWatch`.
 */
export function watchIgnorer(scope: WatchScope): (p: string) => boolean {
  const home = resolve(scope.home)
  const own = ['logs', 'data', 'cache'].map((d) => join(home, d))
  const homeWatched = scope.watch.some((w) => within(home, w))
  const tests = scope.ignore.map((pattern) => patternTest(pattern, scope.cwd))
  const roots = scope.watch.map((w) => resolve(w))
  return (p) => {
    // counted from the watched path: an agent kept in some node_modules still watches its own files
    const root = roots.find((r) => within(p, r))
    if (relative(root ?? '/', p).split(sep).some((s) => ALWAYS.has(s))) return true
    if (homeWatched && within(p, home)) return true
    if (own.some((d) => within(p, d))) return true
    return tests.some((t) => t(p))
  }
}

/** For `orch describe`: what is never watched, besides the agent's own `ignoreWatch`. */
export const ALWAYS_IGNORED = [...ALWAYS, 'ORCH_HOME (its logs, queue and cache)']
