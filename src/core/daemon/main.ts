/**
 * The daemon process in the background, started detached by the CLI (see
 * client/ensure-daemon.ts) or by its watchdog. Exits 0 at once when another
 * daemon already holds this ORCH_HOME. `orch daemon run` runs one in its own
 * process instead (foreground.ts).
 */
import { OrchError } from '../errors/orch-error.js'
import { orchPaths } from '../paths.js'
import { exitOnCrash } from './crash-handlers.js'
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
exitOnCrash(daemon)
