// Shared helpers for the benchmarks: timing, statistics, temporary ORCH_HOMEs
// and cleanup. Plain Node, no dependencies.
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..')
export const BIN = join(ROOT, 'bin', 'run.js')
export const FIXTURES = join(ROOT, 'bench', 'fixtures')
export const NODE = process.execPath

/** Exits with a clear message when the compiled CLI is missing: the bench builds nothing. */
export function assertBuilt() {
  const missing = [join(ROOT, 'dist', 'src', 'commands', 'ls.js'), join(ROOT, 'oclif.manifest.json')].filter((f) => !existsSync(f))
  if (missing.length > 0) {
    console.error(`bench: ${missing.join(', ')} not found. Run \`npm run build\` first; the bench does not build.`)
    process.exit(2)
  }
}

// ---------------------------------------------------------------- statistics

export function median(xs) {
  return percentile(xs, 50)
}

/** Linear-interpolated percentile (p in 0..100). */
export function percentile(xs, p) {
  if (xs.length === 0) return NaN
  const s = [...xs].sort((a, b) => a - b)
  const i = ((s.length - 1) * p) / 100
  const lo = Math.floor(i)
  const hi = Math.ceil(i)
  return s[lo] + (s[hi] - s[lo]) * (i - lo)
}

export const ms = (x) => (Number.isFinite(x) ? `${x.toFixed(x < 10 ? 1 : 0)} ms` : 'n/a')
export const mib = (bytes) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`
export const sleep = (t) => new Promise((r) => setTimeout(r, t))
export const now = () => performance.timeOrigin + performance.now()

/** Polls `fn` until it returns a truthy value; throws after `timeoutMs` with `what` in the message. */
export async function waitFor(what, fn, { timeoutMs = 30_000, intervalMs = 20 } = {}) {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const v = await fn()
    if (v) return v
    if (Date.now() > deadline) throw new Error(`bench: timed out after ${timeoutMs} ms waiting for ${what}`)
    await sleep(intervalMs)
  }
}

// ---------------------------------------------------------------- processes

/**
 * Runs a command to completion and returns its wall time (spawn until exit)
 * and output. Rejects on a non-zero exit so a broken command never passes
 * for a fast one.
 */
export function timeRun(cmd, args, { env = process.env, allowFail = false } = {}) {
  return new Promise((resolve, reject) => {
    const t0 = now()
    const child = spawn(cmd, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    let err = ''
    child.stdout.on('data', (d) => (out += d))
    child.stderr.on('data', (d) => (err += d))
    child.once('error', reject)
    child.once('close', (code, signal) => {
      const wall = now() - t0
      if ((code !== 0 || signal) && !allowFail) {
        reject(new Error(`bench: \`${[cmd, ...args].join(' ')}\` failed (${signal ?? `exit ${code}`}):\n${err || out}`))
      } else resolve({ wall, out, err, code })
    })
  })
}

/** Runs the orch CLI against `home`. */
export function orch(home, args, opts = {}) {
  return timeRun(NODE, [BIN, ...args], { ...opts, env: { ...process.env, ORCH_HOME: home } })
}

/** Runs an orch command with --json and returns its parsed result. */
export async function orchJson(home, args) {
  const { out } = await orch(home, [...args, '--json'])
  return JSON.parse(out)
}

// ---------------------------------------------------------------- homes and cleanup

const homes = new Set()
const extraPids = new Set()

/** A fresh, short ORCH_HOME under /tmp (the socket path must stay short). Cleaned by `cleanupAll`. */
export function tempHome() {
  const home = mkdtempSync('/tmp/ob-')
  homes.add(home)
  return home
}

/** Writes an ecosystem config into `home` and returns its path. */
export function writeConfig(home, agents, file = 'bench.config.json', extra = {}) {
  const path = join(home, file)
  writeFileSync(path, JSON.stringify({ ...extra, agents }, null, 2))
  return path
}

/** Remember a pid the bench spawned itself, so cleanup can SIGKILL it. */
export function trackPid(pid) {
  if (pid) extraPids.add(pid)
}

export function untrackPid(pid) {
  extraPids.delete(pid)
}

function alive(pid) {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

/** Pids of live processes whose environment says ORCH_HOME=home (the daemon and its agents). */
export function pidsOfHome(home) {
  const needle = `ORCH_HOME=${home}\0`
  const pids = []
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue
    try {
      if (readFileSync(`/proc/${entry}/environ`, 'latin1').includes(needle)) pids.push(Number(entry))
    } catch {
      // gone, or not ours to read
    }
  }
  return pids
}

/**
 * Stops everything started under `home`: `orch kill`, then SIGKILL (by pid)
 * of anything still carrying that ORCH_HOME, then removes the directory.
 * Synchronous, so it also works from a signal or exit handler.
 */
export function cleanupHome(home) {
  if (!homes.has(home)) return
  if (existsSync(join(home, 'orch.sock'))) {
    spawnSync(NODE, [BIN, 'kill', '--json'], { env: { ...process.env, ORCH_HOME: home }, stdio: 'ignore', timeout: 30_000 })
  }
  for (const pid of pidsOfHome(home)) {
    try {
      process.kill(pid, 'SIGKILL')
    } catch {
      // already gone
    }
  }
  rmSync(home, { recursive: true, force: true })
  homes.delete(home)
}

export function cleanupAll() {
  for (const home of [...homes]) cleanupHome(home)
  for (const pid of extraPids) {
    if (alive(pid)) {
      try {
        process.kill(pid, 'SIGKILL')
      } catch {
        // already gone
      }
    }
  }
  extraPids.clear()
}

let handlersInstalled = false
/** Cleans up on Ctrl-C, SIGTERM and on any exit. */
export function installCleanupHandlers() {
  if (handlersInstalled) return
  handlersInstalled = true
  process.on('exit', cleanupAll)
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(sig, () => {
      console.error(`\nbench: ${sig}, cleaning up…`)
      cleanupAll()
      process.exit(130)
    })
  }
}

// ---------------------------------------------------------------- /proc

export const CLK_TCK = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100

/** utime + stime of a process, in seconds. */
export function cpuSeconds(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  // Fields after the command name (which may hold spaces) start at state (field 3).
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  return (Number(fields[11]) + Number(fields[12])) / CLK_TCK // utime (14), stime (15)
}

/** VmRSS of a process, in bytes. */
export function rssBytes(pid) {
  const m = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
  return m ? Number(m[1]) * 1024 : NaN
}

// ---------------------------------------------------------------- results

/**
 * One figure: `value` in `unit` ('ms', 'MiB', '%'), compared to `floor`
 * (same unit) with `vs` 'ratio' or 'diff'; `target` is a predicate over the
 * figure plus its text.
 */
export function figure({ section, name, value, unit, floor, floorName, vs, target, targetText, pm2, note }) {
  const cmp = floor === undefined ? undefined : vs === 'ratio' ? value / floor : value - floor
  const met = target ? target({ value, floor, cmp }) : undefined
  return { section, name, value, unit, floor, floorName, vs, cmp, targetText, met, pm2, note }
}

export function fmtValue(v, unit) {
  if (!Number.isFinite(v)) return 'n/a'
  if (unit === 'ms') return `${v.toFixed(v < 10 ? 1 : 0)} ms`
  if (unit === 'MiB') return `${v.toFixed(1)} MiB`
  if (unit === '%') return `${v.toFixed(2)} %`
  return `${v}`
}

export function fmtCmp(f) {
  if (f.cmp === undefined || !Number.isFinite(f.cmp)) return ''
  if (f.vs === 'ratio') return `${f.cmp.toFixed(2)}x`
  const sign = f.cmp >= 0 ? '+' : '−'
  return `${sign}${fmtValue(Math.abs(f.cmp), f.unit)}`
}
