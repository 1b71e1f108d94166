/**
 * The daemon in the process of `orch daemon run` (systemd's unit, a
 * container's main process), where main.ts is the one in the background. A
 * second entry of the daemon's bundle (scripts/bundle.mjs): the CLI imports it
 * from there, so the daemon runs from its own modules, not the CLI's.
 */
import { constants } from 'node:os'
import type { OrchPaths } from '../paths.js'
import { DETACHED_ENV } from '../watchdog-env.js'
import { exitOnCrash } from './crash-handlers.js'
import { Daemon } from './daemon.js'

export interface ForegroundOptions {
  /** SIGTERM and SIGINT stop every agent before the daemon ends (a container); otherwise agents keep running (systemd's KillMode=process) */
  stopAgentsOnSignal: boolean
  /** each line the daemon writes to daemon.log */
  onLogLine?: (line: string) => void
}

export interface ForegroundDaemon {
  pid: number
  /**
   * The exit status once the daemon has stopped (a signal, `orch daemon
   * stop`, `orch kill`): 0, or 128 + the signal's number when a second
   * signal cut the stop short.
   */
  readonly stopped: Promise<number>
  /** Stops the daemon, and its agents first when asked (a config that failed to start); resolves as `stopped`. */
  stop(reason: string, opts: { stopAgents: boolean }): Promise<number>
}

/** Runs a daemon in this process; null when another daemon already holds this ORCH_HOME. */
export async function runForeground(paths: OrchPaths, opts: ForegroundOptions): Promise<ForegroundDaemon | null> {
  // the service manager (or the container runtime) restarts this one: no watchdog
  delete process.env[DETACHED_ENV]
  let settle!: (code: number) => void
  const stopped = new Promise<number>((resolve) => (settle = resolve))
  // set when we stop the agents: an agent a request in flight (the config's start) spawned meanwhile is killed too
  let sweep = false
  const daemon: Daemon | null = await Daemon.start(
    paths,
    () => {
      if (sweep) daemon?.killAgentsNow()
      settle(0)
    },
    { onLogLine: opts.onLogLine },
  )
  if (!daemon) return null
  const stop = (reason: string, stopAgents: boolean): Promise<void> => {
    sweep ||= stopAgents
    return daemon.shutdown(reason, { stopAgents })
  }
  let signalled = false
  const onSignal = (signal: NodeJS.Signals): void => {
    if (!signalled) {
      signalled = true
      void stop(signal, opts.stopAgentsOnSignal)
      return
    }
    // a second Ctrl-C does not wait for the agents' killTimeouts
    daemon.log.warn(`${signal} while stopping: exiting at once`)
    if (opts.stopAgentsOnSignal) daemon.killAgentsNow()
    settle(128 + constants.signals[signal])
  }
  process.on('SIGTERM', onSignal)
  process.on('SIGINT', onSignal)
  process.on('SIGHUP', () => daemon.log.info('SIGHUP ignored'))
  exitOnCrash(daemon)
  return {
    pid: process.pid,
    stopped,
    stop: async (reason, { stopAgents }) => {
      await stop(reason, stopAgents)
      return stopped
    },
  }
}
