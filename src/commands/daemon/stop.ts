import { OrchCommand } from '../../cli/base-command.js'

export default class DaemonStop extends OrchCommand<{ pid: number | null }> {
  static override summary = 'Stop the daemon only; agents keep running (use `orch kill` to stop them too).'
  static override examples = ['<%= config.bin %> daemon stop']

  async run(): Promise<{ pid: number | null }> {
    await this.parse(DaemonStop)
    const client = await this.daemon({ start: false })
    if (!client) {
      // a watchdog waiting to restart a dead daemon: stopping the daemon means that one too
      const { stopOrphanWatchdog } = await import('../../core/daemon/watchdog.js')
      stopOrphanWatchdog(this.paths)
      if (!this.jsonEnabled()) this.log(`no daemon runs for ${this.paths.home}`)
      return { pid: null }
    }
    const { waitForDaemonExit } = await import('../../cli/wait-daemon-exit.js')
    const pid = client.daemonPid
    await client.call('daemon.shutdown', { stopAgents: false, reason: 'orch daemon stop' })
    await waitForDaemonExit(pid, this.paths)
    if (!this.jsonEnabled()) this.log(`daemon ${pid} stopped; agents keep running`)
    return { pid }
  }
}
