import { UsageError } from './usage-error.js'

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }

/**
 * A point in time on the command line: a duration back from `now` (`10m`,
 * `90s`, `2h`, `1d`, `1.5h`) or an ISO date/time (`2026-01-31T12:00:00Z`;
 * a date with no zone is local time, as Date.parse reads it). ms epoch.
 */
export function parseTimeArg(value: string, flag: string, now = Date.now()): number {
  const rel = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/.exec(value.trim())
  if (rel) return now - Number(rel[1]) * UNIT_MS[rel[2]!]!
  const at = /^\d{4}-\d{2}-\d{2}/.test(value.trim()) ? Date.parse(value.trim()) : NaN
  if (Number.isFinite(at)) return at
  throw new UsageError(`${flag}: '${value}' is neither a duration back from now (30s, 10m, 2h, 1d) nor an ISO time (2026-01-31T12:00:00Z)`)
}
