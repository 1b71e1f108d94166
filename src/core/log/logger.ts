import { createWriteStream, type WriteStream } from 'node:fs'
import { isoTime } from '../iso-time.js'

export type LogLevel = 'debug' | 'info' | 'warn' | 'error'

export interface Logger {
  log(level: LogLevel, msg: string, fields?: Record<string, unknown>): void
  info(msg: string, fields?: Record<string, unknown>): void
  warn(msg: string, fields?: Record<string, unknown>): void
  error(msg: string, fields?: Record<string, unknown>): void
  close(): Promise<void>
}

function errorFields(fields?: Record<string, unknown>): Record<string, unknown> | undefined {
  if (!fields) return fields
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(fields)) {
    out[k] = v instanceof Error ? { name: v.name, message: v.message, code: (v as { code?: unknown }).code, stack: v.stack } : v
  }
  return out
}

/**
 * JSON lines: {"time":"…","level":"info","msg":"…",…fields}. A write that
 * fails (a full disk) ends a write stream for good, so the next line opens a
 * new one: logging resumes by itself once there is room (lines in between are lost).
 * `onLine` hears each line too (`orch daemon run` prints them).
 */
export function createLogger(file: string, onLine?: (line: string) => void): Logger {
  let stream: WriteStream | null = null
  const open = (): WriteStream => {
    const s = createWriteStream(file, { flags: 'a', mode: 0o600 })
    s.on('error', () => {
      if (stream === s) stream = null
    })
    return s
  }
  const log = (level: LogLevel, msg: string, fields?: Record<string, unknown>): void => {
    stream ??= open()
    const line = JSON.stringify({ time: isoTime(), level, msg, pid: process.pid, ...errorFields(fields) })
    stream.write(`${line}\n`)
    onLine?.(line)
  }
  return {
    log,
    info: (m, f) => log('info', m, f),
    warn: (m, f) => log('warn', m, f),
    error: (m, f) => log('error', m, f),
    close: () => new Promise((resolve) => (stream ? stream.end(resolve) : resolve())),
  }
}
