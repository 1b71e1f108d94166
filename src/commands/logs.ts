import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'
import { OrchCommand } from '../cli/base-command.js'
import { paint } from '../cli/colour.js'
import type { LogLine, LogStream } from '../cli/log-files.js'
import { safeCell, safeText } from '../cli/safe-text.js'

const DEFAULT_LINES = 20

export default class Logs extends OrchCommand<Array<Record<string, unknown>>> {
  static override summary = "Show the last lines of agents' stdout and stderr; -f follows."
  static override description =
    'Reads the log files under $ORCH_HOME/logs directly; a running daemon is only asked which instances exist, so ' +
    'those an agent no longer has (scaled down) are not shown. With no name, every agent is shown, each line ' +
    'prefixed with its agent. stdout and stderr both, as pm2 (a crash\'s stack trace is on stderr); --out or --err ' +
    'shows one. When both show, a stderr line is marked "err |" (after the agent, if any; red on a terminal). Every ' +
    'line has a time, which the daemon notes as files grow (within 0.05 s; the agents write to their files ' +
    'directly): lines of several files are printed in the order they were written, --time prints it (ISO, UTC), ' +
    'and "~" before it marks a line written while no daemon ran, at or before that time. --since and --until ' +
    '(10m, 2h, 1d or an ISO time) keep the lines of a time range; with them, every line of the range shows unless ' +
    '--lines is given. --lines counts per file (20 by default). -f prints lines as they are written (within 0.2 s). ' +
    '--json lines have time in ms since the epoch, and a line of the SDK logger has its fields as fields. Control ' +
    'characters are shown escaped (\\x1b) unless --raw; a line over 16 KiB shows its first 16 KiB and how many ' +
    'bytes were cut.'
  static override examples = [
    '<%= config.bin %> logs agent_1',
    '<%= config.bin %> logs agent_1 --err --lines 100',
    '<%= config.bin %> logs --time --since 10m',
    '<%= config.bin %> logs -f',
  ]
  static override args = {
    name: Args.string({ description: 'agent name or instance (name:N); all agents when omitted' }),
  }
  static override flags = {
    follow: Flags.boolean({ char: 'f', description: 'keep printing new lines' }),
    out: Flags.boolean({ description: 'stdout only' }),
    err: Flags.boolean({ description: 'stderr only' }),
    lines: Flags.integer({ char: 'n', description: `how many last lines per file [default: ${DEFAULT_LINES}, all with --since/--until]`, min: 0 }),
    time: Flags.boolean({ char: 't', description: 'print the time each line was written (ISO, UTC; "~": written while no daemon ran, at or before)' }),
    since: Flags.string({ description: 'only lines written since then: 30s, 10m, 2h, 1d back from now, or an ISO time' }),
    until: Flags.string({ description: 'only lines written until then: 30s, 10m, 2h, 1d back from now, or an ISO time' }),
    raw: Flags.boolean({ description: 'print control characters (colours, escape sequences) as the agent wrote them' }),
  }

  async run(): Promise<Array<Record<string, unknown>>> {
    const { args, flags } = await this.parse(Logs)
    const { byTime, findLogFiles, followLogs, readLines, tailOrder, withoutRemoved } = await import('../cli/log-files.js')
    const { jsonLine, withSdkTime } = await import('../cli/sdk-log-line.js')
    const { parseTimeArg } = await import('../cli/time-arg.js')
    const now = Date.now()
    const since = flags.since === undefined ? undefined : parseTimeArg(flags.since, '--since', now)
    const until = flags.until === undefined ? undefined : parseTimeArg(flags.until, '--until', now)
    if (since !== undefined && until !== undefined && since > until) {
      const { UsageError } = await import('../cli/usage-error.js')
      throw new UsageError(`--since (${new Date(since).toISOString()}) is after --until (${new Date(until).toISOString()})`)
    }
    const n = flags.lines ?? (since !== undefined || until !== undefined ? Infinity : DEFAULT_LINES)
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
        if (flags.follow) process.stdout.write(`${JSON.stringify(jsonLine(l))}\n`)
        return
      }
      const time = flags.time ? `${l.approx ? '~' : ''}${new Date(l.time).toISOString()}` : ''
      const agent = showAgent ? safeCell(l.agent) : ''
      const err = markErr && l.stream === 'err' ? paint('err', 'red', colour) : ''
      const label = [agent, err].filter(Boolean).join(' ')
      const line = flags.raw ? l.line : safeText(l.line)
      const text = [time, label ? `${label} | ${line}` : line].filter(Boolean).join(' ')
      if (flags.raw) process.stdout.write(`${text}\n`)
      else this.logEscaped(text)
    }
    const unusable = (f: { path: string }, reason: string): void => {
      this.logToStderr(`warning: ${f.path}.idx cannot be read (${reason}); its lines show the file's last write time, marked ~`)
    }
    const read = (l: LogLine[]): LogLine[] => l.map(withSdkTime)
    const lines = byTime(tailOrder(files).flatMap((f) => read(readLines(f, { n, since, until, daemonRunning: client !== null, onUnusableIndex: unusable }))))
    for (const l of lines) print(l)
    if (flags.follow) {
      // following reads files only: no daemon connection held open for hours
      client?.close()
      await followLogs(this.paths, args.name, streams, (l) => print(withSdkTime(l)), hidden)
    }
    return lines.map(jsonLine)
  }
}
