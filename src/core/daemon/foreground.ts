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
  /** A stop is under way (a signal, or a client asked): a request that fails now fails because of it. */
  readonly stopping: boolean
  /** Stops the daemon, and its agents first when asked (a config that failed to start); resolves as `stopped`. */
  stop(reason: string, opts: { stopAgents: boolean }): Promise<number>
}

/** Runs a daemon in this process; null when another daemon already holds this ORCH_HOME. */
export async function runForeground(paths: OrchPaths, opts: ForegroundOptions): Promise<ForegroundDaemon | null> {
  // the service manager (or the container runtime) restarts this one: no watchdog
  delete process.env[DETACHED_ENV]
  let settle!: (code: number) => void
  const stopped = new Promise<number>((resolve) => (settle = resolve))
  let daemon: Daemon | null = null
  // set when we stop the agents: an agent a request in flight (the config's start) spawned meanwhile is killed too
  let sweep = false
  const stop = (d: Daemon, reason: string, stopAgents: boolean): Promise<void> => {
    sweep ||= stopAgents
    return d.shutdown(reason, { stopAgents })
  }
  let signalled: NodeJS.Signals | null = null
  const onSignal = (signal: NodeJS.Signals): void => {
    const code = 128 + constants.signals[signal]
    if (!signalled) {
      signalled = signal
      // one that comes while the daemon starts is acted on once it has started
      if (daemon) void stop(daemon, signal, opts.stopAgentsOnSignal)
      return
    }
    // a second Ctrl-C does not wait for the agents' killTimeouts (nor for a start to finish)
    if (!daemon) process.exit(code)
    daemon.log.warn(`${signal} while stopping: exiting at once`)
    if (opts.stopAgentsOnSignal) daemon.killAgentsNow()
    settle(code)
  }
  const onHangup = (): void => daemon?.log.info('SIGHUP ignored')
  process.on('SIGTERM', onSignal)
  process.on('SIGINT', onSignal)
  process.on('SIGHUP', onHangup)
  const started = await Daemon.start(
    paths,
    () => {
      if (sweep) daemon?.killAgentsNow()
      settle(0)
    },
    { onLogLine: opts.onLogLine },
  ).catch((err: unknown) => {
    process.off('SIGTERM', onSignal).off('SIGINT', onSignal).off('SIGHUP', onHangup)
    throw err
  })
  if (!started) {
    process.off('SIGTERM', onSignal).off('SIGINT', onSignal).off('SIGHUP', onHangup)
    return null
  }
  const d = (daemon = started)
  exitOnCrash(d)
  if (signalled) void stop(d, `${signalled} during the start`, opts.stopAgentsOnSignal)
  return {
    pid: process.pid,
    stopped,
    get stopping() {
      return signalled !== null || d.isStopping
    },
    stop: async (reason, { stopAgents }) => {
      await stop(d, reason, stopAgents)
      return stopped
    },
  }
}
