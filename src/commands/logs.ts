import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'
import { OrchCommand } from '../cli/base-command.js'
import { paint } from '../cli/colour.js'
import type { LogLine, LogStream } from '../cli/log-files.js'
import { safeCell, safeText } from '../cli/safe-text.js'

export default class Logs extends OrchCommand<LogLine[]> {
  static override summary = "Show the last lines of agents' stdout and stderr; -f follows."
  static override description =
    'Reads the log files under $ORCH_HOME/logs directly; a running daemon is only asked which instances exist, so ' +
    'those an agent no longer has (scaled down) are not shown. With no name, every agent is shown, each line ' +
    'prefixed with its agent. stdout and stderr both, as pm2 (a crash\'s stack trace is on stderr); --out or --err ' +
    'shows one. When both show, a stderr line is marked "err |" (after the agent, if any; red on a terminal). Lines carry no time yet, so ' +
    'the last lines are printed agent by agent (by name) and, within an agent, file by file, the file written to ' +
    'last at the bottom; -f prints lines as they are written (within 0.2 s). --lines counts per file. Control ' +
    'characters are shown escaped (\\x1b) unless --raw; a line over 16 KiB shows its first 16 KiB and how many ' +
    'bytes were cut.'
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
    out: Flags.boolean({ description: 'stdout only' }),
    err: Flags.boolean({ description: 'stderr only' }),
    lines: Flags.integer({ char: 'n', description: 'how many last lines per file', default: 20, min: 0 }),
    raw: Flags.boolean({ description: 'print control characters (colours, escape sequences) as the agent wrote them' }),
  }

  async run(): Promise<LogLine[]> {
    const { args, flags } = await this.parse(Logs)
    const { findLogFiles, followLogs, lastLines, tailOrder, withoutRemoved } = await import('../cli/log-files.js')
    // --out --err is both, as neither
    const streams: LogStream[] = flags.out === flags.err ? ['out', 'err'] : flags.out ? ['out'] : ['err']
    const found = findLogFiles(this.paths, args.name, streams)
    // no daemon running: nothing says which instances were removed, so every file shows
    const client = await this.daemon({ start: false })
    const files = client ? withoutRemoved(found, await client.call('agents.list', {})) : found
    const hidden = new Set(found.filter((f) => !files.includes(f)).map((f) => f.path))
    // an unknown name is an error that lists the known ones; a known agent may simply have no output yet
    if (args.name && files.length === 0 && client) await client.call('agents.describe', { name: args.name })
    const showAgent = new Set(files.map((f) => f.agent)).size > 1 || !args.name
    const markErr = streams.length > 1
    const { colour } = this.display
    const print = (l: LogLine): void => {
      if (this.jsonEnabled()) {
        if (flags.follow) process.stdout.write(`${JSON.stringify(l)}\n`)
        return
      }
      const agent = showAgent ? safeCell(l.agent) : ''
      const err = markErr && l.stream === 'err' ? paint('err', 'red', colour) : ''
      const label = [agent, err].filter(Boolean).join(' ')
      const line = flags.raw ? l.line : safeText(l.line)
      const text = label ? `${label} | ${line}` : line
      if (flags.raw) process.stdout.write(`${text}\n`)
      else this.logEscaped(text)
    }
    const lines = tailOrder(files).flatMap((f) => lastLines(f, flags.lines))
    for (const l of lines) print(l)
    if (flags.follow) {
      // following reads files only: no daemon connection held open for hours
      client?.close()
      await followLogs(this.paths, args.name, streams, print, hidden)
    }
    return lines
  }
}
