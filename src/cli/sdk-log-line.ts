import type { LogLine } from './log-files.js'

/** A line the SDK's JSON logger wrote (src/agent/logger.ts): its own time, and its fields. */
export interface SdkLine {
  time: number
  fields: Record<string, unknown>
}

/**
 * The SDK logger's line: a JSON object that starts with its ISO `time` and
 * has a `level` and a `msg`. Anything else (a JSON line of the agent's own,
 * a line cut for being long) is plain text.
 */
export function parseSdkLine(l: Pick<LogLine, 'line' | 'cut'>): SdkLine | null {
  if (l.cut !== undefined || !l.line.startsWith('{"time":"')) return null
  let v: unknown
  try {
    v = JSON.parse(l.line)
  } catch {
    return null
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return null
  const { time, ...fields } = v as Record<string, unknown>
  const ms = typeof time === 'string' ? Date.parse(time) : NaN
  if (!Number.isFinite(ms) || typeof fields.level !== 'string' || typeof fields.msg !== 'string') return null
  return { time: ms, fields }
}

/** An SDK line keeps the time its logger gave it: exact, even when no daemon ran. */
export function withSdkTime(l: LogLine): LogLine {
  const sdk = parseSdkLine(l)
  if (!sdk) return l
  const { approx: _approx, ...rest } = l
  return { ...rest, time: sdk.time }
}

/**
 * A line as `orch logs --json` prints it: agent (the instance id), stream,
 * time (ms since the epoch) and the line; `approx` when the time is only an
 * upper bound. An SDK line's fields (level, msg, correlationId, messageId,
 * and those the agent added) come first, as fields; orch's take precedence
 * where names clash (`agent` is the instance, as the SDK's is the name).
 */
export function jsonLine(l: LogLine): Record<string, unknown> {
  const sdk = parseSdkLine(l)
  return { ...sdk?.fields, agent: l.agent, stream: l.stream, time: l.time, ...(l.approx ? { approx: true } : {}), line: l.line, ...(l.cut !== undefined ? { cut: l.cut } : {}) }
}
