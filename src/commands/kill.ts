import { OrchCommand } from '../cli/base-command.js'

export default class Kill extends OrchCommand<{ stopped: string[]; daemon: 'stopped' | 'not running' }> {
  static override summary = 'Stop every agent, then the daemon; `orch resurrect` starts them again.'
  static override examples = ['<%= config.bin %> kill']

  async run(): Promise<{ stopped: string[]; daemon: 'stopped' | 'not running' }> {
    await this.parse(Kill)
    const client = await this.daemon({ start: false })
    if (!client) {
      if (!this.jsonEnabled()) this.log(`no daemon runs for ${this.paths.home}`)
      return { stopped: [], daemon: 'not running' }
    }
    const { waitForDaemonExit } = await import('../cli/wait-daemon-exit.js')
    const pid = client.daemonPid
    const { stopped } = await client.call('daemon.shutdown', { stopAgents: true, reason: 'orch kill' })
    await waitForDaemonExit(pid, this.paths)
    if (!this.jsonEnabled()) this.log(`stopped ${stopped.length} agent(s) and the daemon (pid ${pid})`)
    return { stopped, daemon: 'stopped' }
  }
}
