/**
 * The daemon process. Started detached by the CLI (see client/ensure-daemon.ts)
 * or in the foreground by `orch daemon run` (systemd). Exits 0 at once when
 * another daemon already holds this ORCH_HOME.
 */
import { OrchError } from '../errors/orch-error.js'
import { orchPaths } from '../paths.js'
import { Daemon } from './daemon.js'

/** EX_SOFTWARE: the exit code of a daemon that ended on a bug, for the watchdog and systemd to restart. */
const EXIT_CRASHED = 70

const paths = orchPaths()
const daemon = await Daemon.start(paths, () => setImmediate(() => process.exit(0))).catch((err: Error) => {
  // An error on purpose (a file of an unknown format, say) reads as its code and message; a bug shows its stack.
  const what = err instanceof OrchError ? `${err.code}: ${err.message}` : (err.stack ?? err.message)
  process.stderr.write(`orch daemon failed to start: ${what}\n`)
  process.exit(1)
})
if (!daemon) {
  process.stderr.write(`another orch daemon already runs for ${paths.home}\n`)
  process.exit(0)
}

process.on('SIGTERM', () => void daemon.shutdown('SIGTERM'))
process.on('SIGINT', () => void daemon.shutdown('SIGINT'))
process.on('SIGHUP', () => daemon.log.info('SIGHUP ignored'))
// Requests, plugin hooks and agent events are each caught where they run, so
// an exception that gets here is a bug outside those boundaries, after which
// the daemon's state cannot be trusted: exit (crash-only). The watchdog (or
// systemd) starts a new daemon at once, which re-adopts every agent.
process.on('uncaughtException', (err) => {
  process.stderr.write(`orch daemon: uncaught exception, exiting for a clean restart: ${err.stack ?? err.message}\n`)
  daemon.log.error('uncaught exception; exiting for a clean restart', { err })
  const exit = (): never => process.exit(EXIT_CRASHED)
  setTimeout(exit, 500).unref()
  void daemon.log.close().then(exit, exit)
})
// A promise nobody awaited that failed: its request or hook has already answered or moved on; log it and go on.
process.on('unhandledRejection', (err) => daemon.log.error('unhandled rejection', { err }))
