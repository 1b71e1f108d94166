import type { Daemon } from './daemon.js'

/** EX_SOFTWARE: the exit code of a daemon that ended on a bug, for the watchdog and systemd to restart. */
export const EXIT_CRASHED = 70

/**
 * Requests, plugin hooks and agent events are each caught where they run, so
 * an exception that gets here is a bug outside those boundaries, after which
 * the daemon's state cannot be trusted: exit (crash-only). The watchdog (or
 * systemd) starts a new daemon at once, which re-adopts every agent. A
 * promise nobody awaited that failed: its request or hook has already
 * answered or moved on; log it and go on.
 */
export function exitOnCrash(daemon: Daemon): void {
  process.on('uncaughtException', (err) => {
    process.stderr.write(`orch daemon: uncaught exception, exiting for a clean restart: ${err.stack ?? err.message}\n`)
    daemon.log.error('uncaught exception; exiting for a clean restart', { err })
    const exit = (): never => process.exit(EXIT_CRASHED)
    setTimeout(exit, 500).unref()
    void daemon.log.close().then(exit, exit)
  })
  process.on('unhandledRejection', (err) => daemon.log.error('unhandled rejection', { err }))
}
