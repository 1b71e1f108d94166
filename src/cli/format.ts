import { safeCell } from './safe-text.js'

/** Human renderings for tables: short, fixed units. */

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

/**
 * Sizes in binary units, one decimal, the style of orch's docs and messages
 * (`16 KiB`, `40.7 MiB`): pm2's `40.7mb` means the same 1024-based unit
 * under a decimal name.
 */
export { formatBytes } from '../core/schema/units.js'

export function formatTime(at: number): string {
  return new Date(at).toISOString().replace('T', ' ').slice(0, 19)
}

export interface TableOptions {
  /** a colour for a cell, given its column and its text (applied after alignment, so codes never count as width) */
  paint?: (column: number, text: string) => string
  /** the widest a line may be (the terminal's columns): cells of `shrink` columns are cut with '…' to fit */
  width?: number
  /** the columns that may be cut, most willing first (names, types: a pid or a status is never cut) */
  shrink?: number[]
  /** shorter headers by column ('restarts' → '↺'), used when a line does not fit `width`, before any cell is cut */
  shortHeaders?: Record<number, string>
}

/** Narrowest a cut column gets: a name cut to a few characters is still recognisable. */
const MIN_CUT_WIDTH = 6

/** An aligned table. Cells are escaped: a newline or an escape sequence in an id must not break the table. */
export function table(headers: string[], rows: Array<Array<string | number>>, opts: TableOptions = {}): string {
  const body = rows.map((r) => r.map((v) => safeCell(String(v))))
  let cells = [headers, ...body]
  let widths = widthsOf(cells)
  if (opts.width !== undefined) {
    const short = opts.shortHeaders
    if (short && lineWidth(widths) > opts.width) {
      cells = [headers.map((h, c) => short[c] ?? h), ...body]
      widths = widthsOf(cells)
    }
    fitWidths(widths, opts.width, opts.shrink ?? [])
  }
  const cut = (v: string, w: number): string => (v.length > w ? `${v.slice(0, Math.max(0, w - 1))}…` : v)
  return cells
    .map((r, i) =>
      r
        .map((v, c) => {
          const text = cut(v ?? '', widths[c]!)
          const shown = i > 0 && opts.paint ? opts.paint(c, text) : text
          return shown + ' '.repeat(widths[c]! - text.length)
        })
        .join('  ')
        .trimEnd(),
    )
    .join('\n')
}

/** The widest cell of each column (the first row, the headers, gives the columns). */
function widthsOf(cells: string[][]): number[] {
  return cells[0]!.map((_, c) => Math.max(...cells.map((r) => (r[c] ?? '').length)))
}

/** Two spaces between columns. */
function lineWidth(widths: number[]): number {
  return widths.reduce((a, b) => a + b, 0) + 2 * (widths.length - 1)
}

/** Narrows the `shrink` columns, in order, until a line fits `width`. */
function fitWidths(widths: number[], width: number, shrink: number[]): void {
  let over = lineWidth(widths) - width
  for (const c of shrink) {
    if (over <= 0) return
    const take = Math.min(over, Math.max(0, widths[c]! - MIN_CUT_WIDTH))
    widths[c]! -= take
    over -= take
  }
}
