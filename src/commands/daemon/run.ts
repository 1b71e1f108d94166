import { OrchCommand } from '../../cli/base-command.js'

export default class DaemonRun extends OrchCommand<void> {
  static override summary = 'Run the daemon in the foreground (for systemd; see `orch startup`).'
  static override examples = ['<%= config.bin %> daemon run']

  async run(): Promise<void> {
    await this.parse(DaemonRun)
    process.env.ORCH_HOME = this.paths.home
    const { pathToFileURL } = await import('node:url')
    const { DAEMON_MAIN } = await import('../../core/package-root.js')
    // The daemon runs from its own modules, not from the CLI bundle.
    await import(pathToFileURL(DAEMON_MAIN).href)
    await new Promise(() => {})
  }
}
