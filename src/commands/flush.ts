import * as Args from '@oclif/core/args'
import { OrchCommand } from '../cli/base-command.js'
import type { FlushedFile } from '../cli/flush-logs.js'

interface Result {
  flushed: FlushedFile[]
}

export default class Flush extends OrchCommand<Result> {
  static override summary = "Empty agents' log files (all, or one agent or instance), as pm2 flush."
  static override description =
    'Truncates $ORCH_HOME/logs/<id>.out.log and .err.log in place: running agents keep writing to the same files ' +
    '(they hold them open with O_APPEND), and `orch logs -f` goes on from their new start. Works with or without a ' +
    'running daemon (it is never started; when one runs, an unknown name is an error that lists the known agents). ' +
    "Rotated copies (.1, .2…) and the daemon's own daemon.log are left alone."
  static override examples = ['<%= config.bin %> flush', '<%= config.bin %> flush worker', '<%= config.bin %> flush worker:1 --json']
  static override args = {
    name: Args.string({ description: 'agent name or instance (name:N); every agent when omitted' }),
  }

  async run(): Promise<Result> {
    const { args } = await this.parse(Flush)
    const { findLogFiles } = await import('../cli/log-files.js')
    const { flushLogs } = await import('../cli/flush-logs.js')
    const files = findLogFiles(this.paths, args.name, ['out', 'err'])
    if (args.name && files.length === 0) await this.unknownName(args.name)
    const flushed = flushLogs(files)
    if (!this.jsonEnabled()) {
      const { formatBytes } = await import('../cli/format.js')
      const total = flushed.reduce((n, f) => n + f.bytes, 0)
      this.log(flushed.length === 0 ? 'no log files to flush' : `flushed ${flushed.length} log file(s), ${formatBytes(total)}:`)
      for (const f of flushed) this.log(`  ${f.path} (${formatBytes(f.bytes)})`)
    }
    return { flushed }
  }

  /** A name with no log files: unknown to a running daemon (its error lists the known agents), or with no output yet. */
  private async unknownName(name: string): Promise<void> {
    const client = await this.daemon({ start: false })
    if (client) {
      await client.call('agents.describe', { name })
      return
    }
    const { findLogFiles } = await import('../cli/log-files.js')
    const { UnknownAgentError } = await import('../core/errors/unknown-agent-error.js')
    const known = [...new Set(findLogFiles(this.paths, undefined, ['out', 'err']).map((f) => f.agent.split(':')[0]!))]
    throw new UnknownAgentError(`no log files for '${name}' in ${this.paths.logsDir}; agents with logs: ${known.join(', ') || 'none'}`)
  }
}
