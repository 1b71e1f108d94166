import { isoTime } from '../core/iso-time.js'
import { currentMessage } from './context.js'
import type { LogLevel } from './types.js'

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 }

export function isLogLevel(v: unknown): v is LogLevel {
  return typeof v === 'string' && Object.prototype.hasOwnProperty.call(RANK, v)
}

function plain(value: unknown): unknown {
  if (!(value instanceof Error)) return value
  const code = (value as { code?: unknown }).code
  return { name: value.name, message: value.message, ...(code !== undefined ? { code } : {}) }
}

/**
 * JSON lines on stdout: time, level, agent, and the correlationId and
 * messageId of the message being handled, so one conversation can be
 * followed through several agents' logs.
 */
export class Logger {
  private readonly min: number

  constructor(
    private readonly agent: string,
    level: LogLevel = 'info',
    private readonly sink: (line: string) => void = (line) => process.stdout.write(line),
  ) {
    this.min = RANK[level]
  }

  debug(msg: string, fields?: Record<string, unknown>): void {
    this.write('debug', msg, fields)
  }

  info(msg: string, fields?: Record<string, unknown>): void {
    this.write('info', msg, fields)
  }

  warn(msg: string, fields?: Record<string, unknown>): void {
    this.write('warn', msg, fields)
  }

  error(msg: string, fields?: Record<string, unknown>): void {
    this.write('error', msg, fields)
  }

  private write(level: LogLevel, msg: string, fields: Record<string, unknown> = {}): void {
    if (RANK[level] < this.min) return
    const m = currentMessage()
    const entry: Record<string, unknown> = { time: isoTime(), level, agent: this.agent }
    if (m?.correlationId !== undefined) entry.correlationId = m.correlationId
    if (m) entry.messageId = m.id
    entry.msg = msg
    for (const [k, v] of Object.entries(fields)) entry[k] = plain(v)
    let line: string
    try {
      line = JSON.stringify(entry)
    } catch (err) {
      // a circular field must not turn a log call into a crash
      line = JSON.stringify({ time: entry.time, level, agent: this.agent, msg, logError: (err as Error).message })
    }
    this.sink(`${line}\n`)
  }
}
