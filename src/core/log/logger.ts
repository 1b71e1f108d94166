import { createWriteStream, type WriteStream } from 'node:fs'

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

/** JSON lines: {"time":"…","level":"info","msg":"…",…fields}. */
export function createLogger(file: string): Logger {
  const stream: WriteStream = createWriteStream(file, { flags: 'a', mode: 0o600 })
  stream.on('error', () => {})
  const log = (level: LogLevel, msg: string, fields?: Record<string, unknown>): void => {
    stream.write(`${JSON.stringify({ time: new Date().toISOString(), level, msg, pid: process.pid, ...errorFields(fields) })}\n`)
  }
  return {
    log,
    info: (m, f) => log('info', m, f),
    warn: (m, f) => log('warn', m, f),
    error: (m, f) => log('error', m, f),
    close: () => new Promise((resolve) => stream.end(resolve)),
  }
}
