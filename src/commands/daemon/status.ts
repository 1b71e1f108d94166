import { OrchCommand } from '../../cli/base-command.js'
import { formatBytes, formatDuration } from '../../cli/format.js'
import { recoveryLines } from '../../cli/recovery-lines.js'
import type { DaemonStatus } from '../../core/protocol/types.js'

type Result = DaemonStatus | { running: false; home: string }

export default class DaemonStatusCommand extends OrchCommand<Result> {
  static override summary = "Show the daemon's pid, uptime, CPU, memory and version (does not start it)."
  static override examples = ['<%= config.bin %> daemon status', '<%= config.bin %> daemon status --json']

  async run(): Promise<Result> {
    await this.parse(DaemonStatusCommand)
    const client = await this.daemon({ start: false })
    if (!client) {
      if (!this.jsonEnabled()) this.log(`no daemon runs for ${this.paths.home}`)
      return { running: false, home: this.paths.home }
    }
    const s = await client.call('daemon.status', {})
    if (!this.jsonEnabled()) {
      this.log(
        [
          `pid       ${s.pid}`,
          `uptime    ${formatDuration(s.uptime)}`,
          `cpu       ${s.cpu}%`,
          `memory    ${formatBytes(s.memory)}`,
          `agents    ${s.agents}`,
          `version   ${s.version} (protocol ${s.protocolVersion})`,
          `home      ${s.home}`,
          `socket    ${s.socket}`,
          `watchdog  ${s.watchdogPid === null ? 'none (in the foreground: its service manager restarts it)' : `pid ${s.watchdogPid} (restarts the daemon if it dies)`}`,
          `metrics   ${s.metrics ?? "not served (a config's 'metrics' or ORCH_METRICS serves them)"}`,
          ...recoveryLines(s.recovered ?? []),
        ].join('\n'),
      )
    }
    return s
  }
}
