import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'
import { OrchCommand } from '../cli/base-command.js'
import type { LogLine } from '../cli/log-files.js'

export default class Logs extends OrchCommand<LogLine[]> {
  static override summary = "Show the last lines of agents' output; -f follows."
  static override description =
    'Reads the log files under $ORCH_HOME/logs directly (the daemon is not involved). With no name, every agent is ' +
    'shown, each line prefixed with its agent. stdout by default; --err shows stderr. Control characters are shown ' +
    'escaped (\\x1b) unless --raw; a line over 16 KiB shows its first 16 KiB and how many bytes were cut.'
  static override examples = [
    '<%= config.bin %> logs agent_1',
    '<%= config.bin %> logs agent_1 --err --lines 100',
    '<%= config.bin %> logs -f',
  ]
  static override args = {
    name: Args.string({ description: 'agent name or instance (name:N); all agents when omitted' }),
  }
  static override flags = {
    follow: Flags.boolean({ char: 'f', description: 'keep printing new lines' }),
    err: Flags.boolean({ description: 'stderr instead of stdout' }),
    lines: Flags.integer({ char: 'n', description: 'how many last lines per agent', default: 20, min: 0 }),
    raw: Flags.boolean({ description: 'print control characters (colours, escape sequences) as the agent wrote them' }),
  }

  async run(): Promise<LogLine[]> {
    const { args, flags } = await this.parse(Logs)
    const { findLogFiles, followLogs, lastLines } = await import('../cli/log-files.js')
    const stream = flags.err ? 'err' : 'out'
    const files = findLogFiles(this.paths, args.name, stream)
    if (args.name && files.length === 0) await this.explainMissing(args.name)
    const prefix = files.length > 1 || !args.name
    const print = (l: LogLine): void => {
      if (this.jsonEnabled()) {
        if (flags.follow) process.stdout.write(`${JSON.stringify(l)}\n`)
      } else {
        const text = prefix ? `${l.agent} | ${l.line}` : l.line
        if (flags.raw) process.stdout.write(`${text}\n`)
        else this.log(text)
      }
    }
    const lines = files.flatMap((f) => lastLines(f, flags.lines))
    for (const l of lines) print(l)
    if (flags.follow) await followLogs(this.paths, args.name, stream, print)
    return lines
  }

  /** An unknown name is an error that lists the known ones; a known agent may simply have no output yet. */
  private async explainMissing(name: string): Promise<void> {
    const client = await this.daemon({ start: false })
    if (!client) return
    await client.call('agents.describe', { name })
  }
}
