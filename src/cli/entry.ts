/**
 * The CLI's single entry point, bundled with oclif into dist/cli/ by
 * scripts/bundle.mjs: loading one file instead of some 300 modules is most of
 * `orch ls`'s start-up budget. Commands are listed here (oclif's "explicit"
 * discovery) instead of being found in a folder.
 */
import Delete from '../commands/delete.js'
import Describe from '../commands/describe.js'
import DaemonRestart from '../commands/daemon/restart.js'
import DaemonRun from '../commands/daemon/run.js'
import DaemonStatus from '../commands/daemon/status.js'
import DaemonStop from '../commands/daemon/stop.js'
import Dashboard from '../commands/dashboard.js'
import Env from '../commands/env.js'
import Flush from '../commands/flush.js'
import Kill from '../commands/kill.js'
import Logs from '../commands/logs.js'
import Ls from '../commands/ls.js'
import Monit from '../commands/monit.js'
import QueueDead from '../commands/queue/dead.js'
import QueueHistory from '../commands/queue/history.js'
import QueueLs from '../commands/queue/ls.js'
import QueuePurge from '../commands/queue/purge.js'
import QueueReplay from '../commands/queue/replay.js'
import Request from '../commands/request.js'
import Reload from '../commands/reload.js'
import Restart from '../commands/restart.js'
import Resurrect from '../commands/resurrect.js'
import Scale from '../commands/scale.js'
import Send from '../commands/send.js'
import Start from '../commands/start.js'
import Startup from '../commands/startup.js'
import Stop from '../commands/stop.js'
import Trace from '../commands/trace.js'
import Unstartup from '../commands/unstartup.js'

// Subpath imports: the bundle then holds (and evaluates) only the parts of oclif the CLI uses.
import { execute } from '@oclif/core/execute'
import { isJsonVersionRequest, versionJson } from './version.js'

export { execute }

/** What bin/run.js runs: oclif, but for `orch --version --json` (`{version}`), which oclif does not know. */
export async function main(dir: string, argv: string[] = process.argv.slice(2)): Promise<unknown> {
  if (isJsonVersionRequest(argv)) {
    process.stdout.write(versionJson(new URL('../package.json', dir)))
    return
  }
  return execute({ dir, args: argv })
}

export const COMMANDS = {
  start: Start,
  ls: Ls,
  logs: Logs,
  monit: Monit,
  dashboard: Dashboard,
  flush: Flush,
  stop: Stop,
  reload: Reload,
  restart: Restart,
  scale: Scale,
  env: Env,
  delete: Delete,
  describe: Describe,
  send: Send,
  request: Request,
  'queue:ls': QueueLs,
  'queue:dead': QueueDead,
  'queue:replay': QueueReplay,
  'queue:purge': QueuePurge,
  'queue:history': QueueHistory,
  trace: Trace,
  kill: Kill,
  resurrect: Resurrect,
  startup: Startup,
  unstartup: Unstartup,
  'daemon:status': DaemonStatus,
  'daemon:restart': DaemonRestart,
  'daemon:stop': DaemonStop,
  'daemon:run': DaemonRun,
}

export { commandNotFound } from './command-not-found.js'
