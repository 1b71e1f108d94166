import { spawn, type ChildProcess } from 'node:child_process'
import { closeSync, existsSync, mkdirSync, openSync } from 'node:fs'
import { agentLogPaths, type OrchPaths } from '../paths.js'
import type { InstanceRecord } from '../store/instance-record.js'
import { procStartTime } from './proc.js'
import { WATCHDOG_ENV } from '../watchdog-env.js'

export interface Spawned {
  child: ChildProcess
  pid: number
  procStart: number | null
}

/**
 * The environment an agent sees: the shell's that defined it (`orch start`,
 * or the latest `--update-env`; the daemon's for older records), the config's
 * `env`, the type's, then orch's own variables.
 */
export function agentEnv(record: InstanceRecord, paths: OrchPaths): NodeJS.ProcessEnv {
  const inherited = { ...(record.shellEnv ?? process.env) }
  for (const name of WATCHDOG_ENV) delete inherited[name]
  return {
    ...inherited,
    ...record.agent.env,
    ...record.spec.env,
    ORCH_HOME: paths.home,
    ORCH_SOCKET: paths.socket,
    ORCH_AGENT_NAME: record.name,
    ORCH_AGENT_ID: record.id,
    ORCH_AGENT_INSTANCE: String(record.index),
    ORCH_AGENT_TOKEN: record.token ?? '',
  }
}

/**
 * Spawns one instance detached, as leader of its own process group, with
 * stdout and stderr appended straight to its log files: the daemon never
 * pipes agent output, so agents outlive it and a chatty agent costs it nothing.
 * Throws when the program cannot be started (ENOENT, EACCES).
 */
export function spawnAgent(record: InstanceRecord, paths: OrchPaths): Promise<Spawned> {
  const cwd = record.spec.cwd ?? record.agent.cwd
  // Node reports a missing cwd as ENOENT of the program, which points at the wrong thing.
  if (!existsSync(cwd)) return Promise.reject(new Error(`working directory ${cwd} does not exist`))
  mkdirSync(paths.logsDir, { recursive: true, mode: 0o700 })
  const logs = agentLogPaths(paths, record.id)
  const out = openSync(logs.out, 'a', 0o600)
  const err = openSync(logs.err, 'a', 0o600)
  try {
    const child = spawn(record.spec.command, record.spec.args, {
      cwd,
      env: agentEnv(record, paths),
      detached: true,
      stdio: ['ignore', out, err],
    })
    child.unref()
    return new Promise((resolve, reject) => {
      if (child.pid === undefined) {
        child.once('error', reject)
        return
      }
      resolve({ child, pid: child.pid, procStart: procStartTime(child.pid) })
    })
  } finally {
    closeSync(out)
    closeSync(err)
  }
}
