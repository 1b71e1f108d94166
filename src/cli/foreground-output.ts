import type { LogLine } from './log-files.js'
import { jsonLine } from './sdk-log-line.js'
import { safeCell, safeLine } from './safe-text.js'

/** What marks the daemon's own lines, where agents' lines carry their instance id. */
export const DAEMON_PREFIX = 'orch'

export interface OutputOptions {
  /** JSON lines instead of text */
  json: boolean
  /** control characters as written (text only) */
  raw: boolean
}

/**
 * An agent's line as `orch daemon run` prints it, as pm2-runtime: `worker:0 |
 * line`, stdout to stdout and stderr to stderr. With --json every line is the
 * document `orch logs -f --json` prints, on stdout.
 */
export function printAgentLine(l: LogLine, opts: OutputOptions): void {
  if (opts.json) {
    process.stdout.write(`${JSON.stringify(jsonLine(l))}\n`)
    return
  }
  const text = `${safeCell(l.agent)} | ${opts.raw ? l.line : safeLine(l.line)}\n`
  ;(l.stream === 'err' ? process.stderr : process.stdout).write(text)
}

/**
 * A line of daemon.log, on stderr: `orch | daemon ready {"socket":…}`, the
 * level before the message unless it is info; time and pid are left out
 * (the container runtime stamps lines, and the pid is this process). With
 * --json the line as daemon.log has it.
 */
export function printDaemonLine(line: string, opts: OutputOptions): void {
  if (opts.json) {
    process.stderr.write(`${line}\n`)
    return
  }
  let text = line
  try {
    const { time: _time, pid: _pid, level, msg, ...fields } = JSON.parse(line) as Record<string, unknown>
    const head = level === 'info' ? String(msg) : `${String(level)}: ${String(msg)}`
    text = Object.keys(fields).length > 0 ? `${head} ${JSON.stringify(fields)}` : head
  } catch {}
  process.stderr.write(`${DAEMON_PREFIX} | ${safeLine(text)}\n`)
}
