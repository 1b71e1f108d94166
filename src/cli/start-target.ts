import { accessSync, constants, statSync } from 'node:fs'
import { basename, extname, resolve } from 'node:path'
import { AGENT_NAME_PATTERN } from '../core/config/schema.js'
import { UsageError } from './usage-error.js'

/** What `orch start X` means. */
export type StartTarget =
  | { kind: 'search' }
  | { kind: 'config'; path: string }
  | { kind: 'agent'; definition: Record<string, unknown> }
  | { kind: 'name'; target: string }

export interface ScriptOptions {
  name?: string
  instances?: number
  /** what follows `--` */
  args: string[]
}

const NODE_SCRIPTS = new Set(['.js', '.mjs', '.cjs', '.ts', '.mts', '.cts'])
/** Interpreters by extension, as pm2 picks them. */
const INTERPRETERS: Record<string, string> = { '.py': 'python3', '.sh': 'bash', '.rb': 'ruby', '.pl': 'perl', '.php': 'php' }
const DATA_CONFIGS = new Set(['.json', '.yaml', '.yml'])

/** A config, not a script: `ecosystem*`, `*.config.*`, or a .json/.yaml/.yml file. */
export function isConfigFileName(file: string): boolean {
  const name = basename(file)
  return name.startsWith('ecosystem') || /\.config\.[^.]+$/.test(name) || DATA_CONFIGS.has(extname(name))
}

/** An agent name from a file name: `./src/my worker.py` → `my-worker`. */
export function nameFromFile(file: string): string {
  const base = basename(file, extname(file)).replace(/[^A-Za-z0-9_-]+/g, '-').replace(/^-+|-+$/g, '')
  return base.slice(0, 64) || 'agent'
}

/** Words of a command line, with '…' and "…" quoting (no expansion: no shell runs it). */
export function splitCommand(line: string): string[] {
  const words: string[] = []
  const re = /"([^"]*)"|'([^']*)'|(\S+)/g
  for (let m = re.exec(line); m; m = re.exec(line)) words.push(m[1] ?? m[2] ?? m[3]!)
  return words
}

function isFile(path: string): boolean | 'dir' {
  try {
    return statSync(path).isDirectory() ? 'dir' : true
  } catch {
    return false
  }
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK)
    return true
  } catch {
    return false
  }
}

function checkName(name: string): string {
  if (!AGENT_NAME_PATTERN.test(name)) throw new UsageError(`--name ${JSON.stringify(name)} is not an agent name: use 1 to 64 letters, digits, '_' or '-'`)
  return name
}

function scriptDefinition(file: string, opts: ScriptOptions, cwd: string): Record<string, unknown> {
  const ext = extname(file)
  const common = { name: checkName(opts.name ?? nameFromFile(file)), cwd, ...(opts.instances ? { instances: opts.instances } : {}) }
  if (NODE_SCRIPTS.has(ext)) return { ...common, script: file, args: opts.args }
  const interpreter = INTERPRETERS[ext]
  if (interpreter) return { ...common, command: interpreter, args: [file, ...opts.args] }
  if (isExecutable(file)) return { ...common, command: file, args: opts.args }
  throw new UsageError(`orch does not know how to run ${file}: make it executable (chmod +x), or give its interpreter: orch start "python3 ${basename(file)}"`)
}

/**
 * `orch start [X]`: no X searches ecosystem.config.* from `cwd` up; an
 * existing config file (see isConfigFileName) is a config; any other existing
 * file is a script run as one agent (Node for .js/.ts, an interpreter by
 * extension, else the file itself); words with spaces are a command line
 * (`"python3 agent.py"`); anything else names a known agent (or `all`).
 */
export function classifyStart(target: string | undefined, opts: ScriptOptions, cwd: string): StartTarget {
  if (target === undefined) return { kind: 'search' }
  const path = resolve(cwd, target)
  const found = isFile(path)
  if (found === 'dir') throw new UsageError(`${target} is a folder; give a config (ecosystem.config.ts) or a script to run`)
  if (found && isConfigFileName(path)) return { kind: 'config', path }
  if (found) return { kind: 'agent', definition: scriptDefinition(path, opts, cwd) }
  if (/\s/.test(target.trim())) {
    const [command, ...args] = splitCommand(target)
    if (!command) throw new UsageError('the command to run is empty')
    const named = args.find((a) => !a.startsWith('-')) ?? command
    const definition = { name: checkName(opts.name ?? nameFromFile(named)), cwd, command, args: [...args, ...opts.args] }
    return { kind: 'agent', definition: opts.instances ? { ...definition, instances: opts.instances } : definition }
  }
  // a path that does not exist: say so rather than look for an agent named `./app.js`
  if (isConfigFileName(path)) return { kind: 'config', path }
  if (target.includes('/') || extname(target) !== '') {
    throw new UsageError(`there is no file ${path}; orch start takes a config, a script, a quoted command line ("python3 agent.py") or the name of a known agent`)
  }
  return { kind: 'name', target }
}
