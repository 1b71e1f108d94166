import { OrchCommand } from '../cli/base-command.js'
import { UsageError } from '../cli/usage-error.js'
import type { MetricsSnapshot } from '../core/protocol/types.js'

export default class Monit extends OrchCommand<MetricsSnapshot | null> {
  static override summary = 'A live view of the team: status, CPU and memory with their recent history, restarts, messages, and the log of the selected agent.'
  static override description =
    'Redraws every second on the terminal\'s alternate screen: one row per instance (status, restarts, CPU and memory with ' +
    'sparklines of the last samples, in flight, pending, messages handled per second by the agent), the queue and the daemon ' +
    "at the top, and the last lines of the selected instance's stdout and stderr (stderr marked 'err│') below. Keys: up/down or " +
    'j/k select, r restarts the selected instance, s stops it (or starts it when stopped or errored), q or Ctrl-C quits and ' +
    'gives the terminal back as it was. It needs a terminal: in a pipe or a script it refuses; --json prints one snapshot ' +
    "(the daemon's counters, histograms and gauges, as the daemon.metrics method returns them) and exits."
  static override examples = ['<%= config.bin %> monit', '<%= config.bin %> monit --json']

  async run(): Promise<MetricsSnapshot | null> {
    await this.parse(Monit)
    if (this.jsonEnabled()) return (await this.daemon()).call('daemon.metrics', {})
    if (!process.stdin.isTTY || !process.stdout.isTTY) {
      throw new UsageError("orch monit needs a terminal (stdin and stdout are not both one); for one snapshot in a script, use 'orch monit --json'")
    }
    const client = await this.daemon()
    // the view's code is loaded here only: other commands' start-up does not pay for it
    const { runMonit } = await import('../cli/monit/run-monit.js')
    await runMonit({ client, paths: this.paths, tty: { input: process.stdin, output: process.stdout }, colour: this.display.colour })
    return null
  }
}
