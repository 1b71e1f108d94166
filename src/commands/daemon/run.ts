import { OrchCommand } from '../../cli/base-command.js'

export default class DaemonRun extends OrchCommand<void> {
  static override summary = 'Run the daemon in the foreground (for systemd; see `orch startup`).'
  static override examples = ['<%= config.bin %> daemon run']

  async run(): Promise<void> {
    await this.parse(DaemonRun)
    process.env.ORCH_HOME = this.paths.home
    await import('../../core/daemon/main.js')
    await new Promise(() => {})
  }
}
