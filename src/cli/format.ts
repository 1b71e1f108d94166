import { safeCell } from './safe-text.js'

/** Human renderings for tables: short, fixed units, like pm2's. */

export function formatDuration(ms: number): string {
  if (ms <= 0) return '0s'
  const s = Math.floor(ms / 1000)
  if (s < 60) return `${s}s`
  const m = Math.floor(s / 60)
  if (m < 60) return `${m}m`
  const h = Math.floor(m / 60)
  if (h < 24) return `${h}h`
  return `${Math.floor(h / 24)}D`
}

export function formatBytes(n: number): string {
  if (n <= 0) return '0b'
  if (n < 1024) return `${n}b`
  if (n < 1024 ** 2) return `${(n / 1024).toFixed(1)}kb`
  if (n < 1024 ** 3) return `${(n / 1024 ** 2).toFixed(1)}mb`
  return `${(n / 1024 ** 3).toFixed(2)}gb`
}

export function formatTime(at: number): string {
  return new Date(at).toISOString().replace('T', ' ').slice(0, 19)
}

/** A plain aligned table; no colours, so it reads the same in a pipe or a log. Cells are escaped: a newline or an escape sequence in an id must not break the table. */
export function table(headers: string[], rows: Array<Array<string | number>>): string {
  const cells = [headers, ...rows.map((r) => r.map((v) => safeCell(String(v))))]
  const widths = headers.map((_, c) => Math.max(...cells.map((r) => (r[c] ?? '').length)))
  return cells.map((r) => r.map((v, c) => (v ?? '').padEnd(widths[c]!)).join('  ').trimEnd()).join('\n')
}
