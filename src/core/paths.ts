import { homedir } from 'node:os'
import { join, resolve } from 'node:path'

/** Every file orch keeps, derived from one ORCH_HOME (default ~/.orch). */
export interface OrchPaths {
  home: string
  socket: string
  pidFile: string
  /** the pid of the watchdog of a daemon running in the background */
  watchdogPidFile: string
  daemonLog: string
  logsDir: string
  dataDir: string
  desiredState: string
}

export function orchHome(env: NodeJS.ProcessEnv = process.env): string {
  return resolve(env.ORCH_HOME || join(homedir(), '.orch'))
}

export function orchPaths(home: string = orchHome()): OrchPaths {
  return {
    home,
    socket: join(home, 'orch.sock'),
    pidFile: join(home, 'daemon.pid'),
    watchdogPidFile: join(home, 'watchdog.pid'),
    daemonLog: join(home, 'daemon.log'),
    logsDir: join(home, 'logs'),
    dataDir: join(home, 'data'),
    desiredState: join(home, 'desired.json'),
  }
}

/** Log files of one agent instance. Instance ids are `name` or `name:N`; ':' becomes '.' (names cannot hold '.'). */
export function agentLogPaths(paths: OrchPaths, instanceId: string): { out: string; err: string } {
  const base = instanceId.replace(':', '.')
  return { out: join(paths.logsDir, `${base}.out.log`), err: join(paths.logsDir, `${base}.err.log`) }
}
