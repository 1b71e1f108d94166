import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { ConfigError } from '../errors/config-error.js'
import { OrchError } from '../errors/orch-error.js'
import { PACKAGE_ROOT } from '../package-root.js'
import { describeMs, parseDuration } from '../schema/units.js'
import type { LoaderAnswer } from './loader-answer.js'

/** The loader child's entry (not bundled: it loads cosmiconfig and esbuild's API, which the daemon needs for no config). */
export const LOADER_MAIN = join(PACKAGE_ROOT, 'dist', 'src', 'core', 'config', 'loader-main.js')
/** How long a config may take to evaluate, unless the caller's ORCH_CONFIG_TIMEOUT says otherwise. */
export const DEFAULT_CONFIG_TIMEOUT_MS = 10_000
const TIMEOUT_ENV = 'ORCH_CONFIG_TIMEOUT'
const OUTPUT_TAIL_CHARS = 2_000

export interface LoadRequest {
  /** the config file, or none: ecosystem.config.* is searched from `cwd` upwards */
  configPath?: string
  /** the caller's working directory */
  cwd: string
  /** the caller's environment: `process.env` in a JS/TS config, `${VAR}` in a JSON/YAML one */
  env: Record<string, string>
  /** where a JS/TS config is compiled to, for the moment it is imported (under ORCH_HOME, 0700) */
  cacheDir: string
}

export interface LoadedOutside {
  file: string
  dir: string
  raw: unknown
}

function timeoutOf(env: Record<string, string>): number {
  const text = env[TIMEOUT_ENV]
  if (text === undefined) return DEFAULT_CONFIG_TIMEOUT_MS
  const ms = parseDuration(text)
  if (ms === undefined || ms <= 0) throw new ConfigError(`${TIMEOUT_ENV}=${text} is not a duration; write e.g. 30s`)
  return ms
}

function killGroup(pid: number | undefined): void {
  if (pid === undefined) return
  try {
    process.kill(-pid, 'SIGKILL')
  } catch {
    // gone already
  }
}

/**
 * Evaluates a config in a short-lived child process, never in the daemon: the
 * config runs with the caller's environment and working directory, and a
 * config that throws, exits, loops (time limit) or listens on a port touches
 * only that child. The child leads its own process group, killed as soon as
 * the answer is in, or at the time limit. The answer is plain data; the daemon
 * validates it (and loads the plugins it names) itself.
 */
export function loadConfigOutside(req: LoadRequest): Promise<LoadedOutside> {
  const timeoutMs = timeoutOf(req.env)
  const what = req.configPath ?? `the config found from ${req.cwd}`
  if (!existsSync(req.cwd)) return Promise.reject(new ConfigError(`cannot load ${what}: working directory ${req.cwd} does not exist`))
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [LOADER_MAIN, req.cacheDir, req.configPath ?? ''], {
      cwd: req.cwd,
      env: req.env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    })
    let output = ''
    const keep = (chunk: Buffer) => {
      output = (output + chunk.toString('utf8')).slice(-OUTPUT_TAIL_CHARS)
    }
    child.stdout!.on('data', keep)
    child.stderr!.on('data', keep)
    let settled = false
    const settle = (fn: () => void) => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      killGroup(child.pid)
      fn()
    }
    const printed = () => (output.trim() ? `; it printed: ${output.trim().split('\n').slice(-8).join('\n')}` : '')
    const timer = setTimeout(() => {
      settle(() =>
        reject(
          new ConfigError(
            `${what} took longer than ${describeMs(timeoutMs)} to evaluate (a top level that waits or loops?); orch stopped it. ` +
              `Set ${TIMEOUT_ENV} (e.g. ${TIMEOUT_ENV}=60s) for a config that needs longer${printed()}`,
          ),
        ),
      )
    }, timeoutMs)
    child.on('message', (answer: LoaderAnswer) => {
      settle(() => (answer.ok ? resolve({ file: answer.file, dir: answer.dir, raw: answer.raw }) : reject(new OrchError(answer.code, answer.message))))
    })
    child.on('error', (err) => settle(() => reject(new ConfigError(`cannot evaluate ${what}: ${err.message}`))))
    // An answer sent just before exiting arrives before the channel closes: fail only once both the
    // process has exited and its channel is closed (a config that closes the channel alone meets the time limit).
    let exit: string | null = null
    let disconnected = false
    const failIfGone = () => {
      if (exit === null || !disconnected) return
      settle(() => reject(new ConfigError(`${what} ended its evaluation (${exit}) before orch could read it${printed()}`)))
    }
    child.on('exit', (code, signal) => {
      exit = signal ?? `exit code ${code}`
      failIfGone()
    })
    child.on('disconnect', () => {
      disconnected = true
      failIfGone()
    })
  })
}
