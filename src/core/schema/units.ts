/**
 * The longest duration anything accepts: Node's timers overflow past 2^31-1 ms
 * (about 24.8 days) and then fire after 1 ms, so a `readyTimeout: '1000h'`
 * would kill an agent at once. Refused wherever a duration comes in.
 */
export const MAX_DURATION_MS = 2_147_483_647

/**
 * The shortest lease a message may have: the SDK renews a lease no more often
 * than every 50 ms (three times per lease), so a shorter one expires before
 * it can be renewed and the message is delivered again and again.
 */
export const MIN_LEASE_MS = 250

/** '24.8 days' for MAX_DURATION_MS: how a limit reads in an error message. */
export function describeMs(ms: number): string {
  if (ms >= 86_400_000) return `${Math.floor((ms / 86_400_000) * 10) / 10} days`
  if (ms >= 3_600_000) return `${Math.round((ms / 3_600_000) * 10) / 10}h`
  if (ms >= 1_000) return `${Math.round((ms / 1_000) * 10) / 10}s`
  return `${ms}ms`
}

/** Parses '100ms', '5s', '2m', '1h' or a number of milliseconds. Returns undefined when it is not a duration. */
export function parseDuration(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value : undefined
  if (typeof value !== 'string') return undefined
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*$/.exec(value)
  if (!m) return undefined
  const n = Number(m[1])
  const unit = m[2] ?? 'ms'
  return Math.round(n * { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 }[unit]!)
}

/** Parses '300M', '1G', '512K', '1024' (bytes) or a number of bytes. Units are powers of 1024, as in pm2. */
export function parseSize(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value > 0 ? value : undefined
  if (typeof value !== 'string') return undefined
  const m = /^\s*(\d+(?:\.\d+)?)\s*([KMG])?i?B?\s*$/i.exec(value)
  if (!m) return undefined
  const mult = { K: 1024, M: 1024 ** 2, G: 1024 ** 3 }[(m[2] ?? '').toUpperCase()] ?? 1
  const n = Math.round(Number(m[1]) * mult)
  return n > 0 ? n : undefined
}

/**
 * Bytes in binary units with one decimal, the one size style of every output:
 * `40.7 MiB`. `compact` is the same scale for a narrow column (orch monit):
 * `40.7M`, whole numbers from 10 on, never four digits (`1000K` is `1.0M`).
 */
export function formatBytes(n: number, opts: { compact?: boolean } = {}): string {
  const compact = opts.compact === true
  if (n < 1024) return compact ? `${n}B` : `${Math.max(0, Math.round(n))} B`
  const units = compact ? ['K', 'M', 'G', 'T'] : ['KiB', 'MiB', 'GiB', 'TiB']
  const next = compact ? 1000 : 1023.95
  let v = n / 1024
  let u = 0
  while (v >= next && u < units.length - 1) {
    v /= 1024
    u++
  }
  if (compact) return `${v < 10 ? v.toFixed(1) : Math.round(v)}${units[u]}`
  return `${v.toFixed(1)} ${units[u]}`
}

/** 100000 → "100,000", as `toLocaleString('en-US')` wrote it, without loading ICU's number formats (MiBs of RSS). */
export function thousands(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',')
}
