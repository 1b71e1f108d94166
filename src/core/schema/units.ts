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
