import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'
import { OrchCommand } from '../../cli/base-command.js'

export default class DaemonRun extends OrchCommand<void> {
  static override summary = "Run the daemon in this process: a container's main process (as pm2-runtime), or systemd's unit (see `orch startup`)."
  static override description =
    'Refuses (E_DAEMON_RUNNING) when a daemon already runs for this ORCH_HOME: never a second one. With a CONFIG, its ' +
    'agents are started once the daemon listens (as `orch start CONFIG`; a config error stops the daemon and exits 1), ' +
    "their stdout and stderr lines are printed to this process's stdout and stderr prefixed with the instance " +
    '(`worker:0 | line`, agents started later included), and the daemon\'s own lines to stderr (`orch | …`); SIGTERM or ' +
    "SIGINT stops every agent (its killSignal, SIGKILL after killTimeout, as `orch stop all`) and exits 0; a second " +
    'signal SIGKILLs them at once and exits 128+signal. Without a CONFIG (the systemd unit): nothing is printed unless ' +
    '--logs, and a signal stops the daemon only; agents keep running, as with `orch daemon stop`. --json prints log ' +
    "lines as `orch logs -f --json` does, and a failure as the error document."
  static override examples = [
    '<%= config.bin %> daemon run ecosystem.config.ts',
    '<%= config.bin %> daemon run ecosystem.config.ts --no-logs',
    '<%= config.bin %> daemon run',
  ]
  static override args = {
    config: Args.string({ description: 'config file whose agents to start once the daemon listens (and to stop on SIGTERM/SIGINT)' }),
  }
  static override flags = {
    logs: Flags.boolean({
      allowNo: true,
      description: "print agents' output prefixed with their instance, and the daemon's own lines [default: on with a CONFIG]",
    }),
    raw: Flags.boolean({ description: 'print control characters (colours, escape sequences) as the agents wrote them' }),
  }

  async run(): Promise<void> {
    const { args, flags } = await this.parse(DaemonRun)
    const { resolve } = await import('node:path')
    const { pathToFileURL } = await import('node:url')
    const { DaemonRunningError } = await import('../../cli/daemon-running-error.js')
    const paths = this.paths
    process.env.ORCH_HOME = paths.home
    const cwd = process.cwd()
    const configPath = args.config === undefined ? undefined : resolve(cwd, args.config)

    const other = await this.daemon({ start: false })
    if (other) throw new DaemonRunningError(paths.home, other.daemonPid, args.config)

    const { followLogs } = await import('../../cli/log-files.js')
    const { printAgentLine, printDaemonLine, DAEMON_PREFIX } = await import('../../cli/foreground-output.js')
    const output = { json: this.jsonEnabled(), raw: flags.raw }
    const logs = flags.logs ?? configPath !== undefined
    // a reader that went away (`| head`) ends the printing, never the daemon (an unhandled EPIPE would crash it)
    for (const stream of [process.stdout, process.stderr]) stream.on('error', () => {})
    // from before the daemon starts: every line its agents write is printed, none twice
    const endFollow = new AbortController()
    const following = logs ? followLogs(paths, undefined, ['out', 'err'], (l) => printAgentLine(l, output), new Set(), endFollow.signal) : null
    const stopFollowing = async (): Promise<void> => {
      endFollow.abort()
      await following
    }

    const { DAEMON_FOREGROUND } = await import('../../core/package-root.js')
    // the daemon runs from its own bundle, not from the CLI's
    const { runForeground } = (await import(pathToFileURL(DAEMON_FOREGROUND).href)) as typeof import('../../core/daemon/foreground.js')
    const daemon = await runForeground(paths, {
      stopAgentsOnSignal: configPath !== undefined,
      onLogLine: logs ? (line) => printDaemonLine(line, output) : undefined,
    }).catch(async (err: unknown) => {
      await stopFollowing()
      throw err
    })
    if (!daemon) {
      await stopFollowing()
      throw new DaemonRunningError(paths.home, null, args.config)
    }

    if (configPath !== undefined) {
      const { connectIfRunning } = await import('../../core/client/ensure-daemon.js')
      const { startConfig } = await import('../../cli/start-config.js')
      const client = await connectIfRunning(paths)
      try {
        if (!client) throw new Error(`the daemon of ${paths.home} does not answer on ${paths.socket}`)
        const result = await startConfig(client, configPath, cwd)
        if (logs && !output.json) process.stderr.write(`${DAEMON_PREFIX} | started ${result.started.length} agent(s) of ${configPath}\n`)
      } catch (err) {
        // a signal (or `orch kill`) while the config started: the stop under way is the outcome, not this error
        if (daemon.stopping) return this.exitWhenStopped(daemon.stopped, stopFollowing)
        // nothing is left behind: the agents it may have started stop, then the daemon
        await daemon.stop(`${args.config} did not start`, { stopAgents: true })
        await stopFollowing()
        throw err
      } finally {
        client?.close()
      }
    }

    return this.exitWhenStopped(daemon.stopped, stopFollowing)
  }

  private async exitWhenStopped(stopped: Promise<number>, stopFollowing: () => Promise<void>): Promise<void> {
    const code = await stopped
    await stopFollowing()
    // the daemon is closed; whatever handle is left (an agent's pipe, a timer) must not keep this process
    process.exit(code)
  }
}
