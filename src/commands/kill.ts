import { OrchCommand } from '../cli/base-command.js'
import { ADOPT_ONLY_ENV } from '../core/daemon/adopt-only.js'

interface KillResult {
  stopped: string[]
  daemon: 'stopped' | 'not running'
  /** no daemon ran, but the last one left agents: one was started to stop them (see `run`) */
  recovered?: true
}

export default class Kill extends OrchCommand<KillResult> {
  static override summary = 'Stop every agent, then the daemon; `orch resurrect` starts them again.'
  static override description =
    'When no daemon runs but the last one (killed, crashed) left agents running, a daemon is started to re-adopt them ' +
    '(each by pid and process start time) and stop them as usual: killSignal to the process group, SIGKILL after ' +
    "killTimeout, each marked stopped so that no later daemon starts it again."
  static override examples = ['<%= config.bin %> kill']

  async run(): Promise<KillResult> {
    await this.parse(Kill)
    let client = await this.daemon({ start: false })
    let recovered = false
    if (!client) {
      // a watchdog waiting to restart the dead daemon would bring it back after this command
      const { stopOrphanWatchdog } = await import('../core/daemon/watchdog.js')
      stopOrphanWatchdog(this.paths)
      const { agentsLeft } = await import('../cli/recorded-agents.js')
      const left = agentsLeft(this.paths)
      if (left.running.length === 0 && left.wanted.length === 0) {
        if (!this.jsonEnabled()) this.log(`no daemon runs for ${this.paths.home}`)
        return { stopped: [], daemon: 'not running' }
      }
      // Only a daemon may write the agent store; re-adoption checks pid + start time, and its stop path is the one
      // every other stop takes. Agents meant to run but found dead are stopped in the same pass, not restarted later.
      if (!this.jsonEnabled()) {
        this.log(`no daemon runs for ${this.paths.home}, but ${left.running.length} agent process(es) it started still run: starting a daemon to stop them`)
      }
      // adopt-only: an agent meant to run but found dead is not started just to be stopped
      client = await this.daemon({ start: true, env: { [ADOPT_ONLY_ENV]: '1' } })
      recovered = true
    }
    const { waitForDaemonExit } = await import('../cli/wait-daemon-exit.js')
    const pid = client.daemonPid
    const { stopped } = await client.call('daemon.shutdown', { stopAgents: true, reason: recovered ? 'orch kill, after the previous daemon ended' : 'orch kill' })
    await waitForDaemonExit(pid, this.paths)
    if (!this.jsonEnabled()) this.log(`stopped ${stopped.length} agent(s) and the daemon (pid ${pid})`)
    return recovered ? { stopped, daemon: 'stopped', recovered: true } : { stopped, daemon: 'stopped' }
  }
}
