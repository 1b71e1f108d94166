/**
 * The daemon process. Started detached by the CLI (see client/ensure-daemon.ts)
 * or in the foreground by `orch daemon run` (systemd). Exits 0 at once when
 * another daemon already holds this ORCH_HOME.
 */
import { OrchError } from '../errors/orch-error.js'
import { orchPaths } from '../paths.js'
import { Daemon } from './daemon.js'

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
// The daemon outlives failures: a bug in one request, plugin or agent event is logged, not fatal.
process.on('uncaughtException', (err) => daemon.log.error('uncaught exception', { err }))
process.on('unhandledRejection', (err) => daemon.log.error('unhandled rejection', { err }))
