import { OrchCommand } from '../../cli/base-command.js'

export default class DaemonRestart extends OrchCommand<{ oldPid: number | null; pid: number }> {
  static override summary = 'Restart the daemon; agents keep running and are re-adopted by the new daemon.'
  static override examples = ['<%= config.bin %> daemon restart']

  async run(): Promise<{ oldPid: number | null; pid: number }> {
    await this.parse(DaemonRestart)
    const { waitForDaemonExit } = await import('../../cli/wait-daemon-exit.js')
    const { ensureDaemon } = await import('../../core/client/ensure-daemon.js')
    const old = await this.daemon({ start: false })
    let oldPid: number | null = null
    if (old) {
      oldPid = old.daemonPid
      await old.call('daemon.shutdown', { stopAgents: false, reason: 'orch daemon restart' })
      old.close()
      await waitForDaemonExit(oldPid, this.paths)
    }
    const { client } = await ensureDaemon(this.paths)
    const pid = client.daemonPid
    client.close()
    if (!this.jsonEnabled()) this.log(oldPid ? `daemon restarted: pid ${oldPid} -> ${pid}` : `daemon started: pid ${pid}`)
    return { oldPid, pid }
  }
}
