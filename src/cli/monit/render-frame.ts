import { paint, statusColour } from '../colour.js'
import { formatDuration } from '../format.js'
import { formatBytes } from '../../core/schema/units.js'
import { safeCell, safeLine } from '../safe-text.js'
import type { MetricsSnapshot } from '../../core/protocol/types.js'
import { sparkline } from './sparkline.js'
import { ESC } from './terminal.js'

/** Everything one frame shows. */
export interface MonitView {
  snapshot: MetricsSnapshot | null
  selected: number
  /** messages stored per second, and acked + nacked per second, over the last poll; by agent name: handled per second */
  rates: { sent: number; handled: number; byAgent: ReadonlyMap<string, number> }
  logTitle: string
  logLines: readonly string[]
  /** the outcome of the last key (restarting…, stopped worker) or a problem reaching the daemon */
  notice: string
  colour: boolean
  columns: number
  rows: number
}

/** Sparklines take what the columns leave, up to this many samples each. */
const MAX_SPARK = 12
/** Width of a row without its name and its two sparklines. */
const ROW_WITHOUT_NAME_AND_SPARKS = 63
const KEYS_HELP = '↑↓/jk select · r restart · s stop/start · q quit'

/** A compact size: 45.2M, 1.3G, 512K. */
const shortBytes = (n: number): string => formatBytes(n, { compact: true })

const rate = (n: number): string => (n >= 100 ? String(Math.round(n)) : n.toFixed(1))

/** Cut (with '…') or pad to exactly `width` characters. */
function cell(text: string, width: number, right = false): string {
  const t = text.length > width ? `${text.slice(0, Math.max(0, width - 1))}…` : text
  return right ? t.padStart(width) : t.padEnd(width)
}

function cut(text: string, width: number): string {
  return text.length > width ? text.slice(0, width) : text
}

/** The lines of one frame, each at most `columns` wide (colour codes aside), as many as `rows`. */
export function renderFrame(v: MonitView): string[] {
  const s = v.snapshot
  const lines: string[] = []
  if (!s) {
    lines.push(cut('orch monit — waiting for the daemon…', v.columns))
    if (v.notice) lines.push(cut(v.notice, v.columns))
    return lines
  }
  const d = s.daemon
  lines.push(
    cut(
      `orch monit · ${s.agents.length} agent${s.agents.length === 1 ? '' : 's'} · ${rate(v.rates.sent)} msg/s in, ${rate(v.rates.handled)} msg/s handled · ` +
        `queue ${s.queue.pending} pending, ${s.queue.inFlight} in flight, ${s.queue.dead} dead · daemon ${d.cpu.toFixed(1)}% ${shortBytes(d.memory)}`,
      v.columns,
    ),
  )
  const nameWidth = Math.min(24, Math.max(6, ...s.agents.map((a) => a.id.length)))
  // on a narrow terminal the sparklines shrink, then go, before anything is cut
  const spark = Math.max(0, Math.min(MAX_SPARK, Math.floor((v.columns - ROW_WITHOUT_NAME_AND_SPARKS - nameWidth) / 2)))
  const sparkOf = (values: readonly number[], ceiling?: number) => (spark > 0 ? ` ${sparkline(values, spark, ceiling)}` : '')
  const blank = spark > 0 ? ` ${' '.repeat(spark)}` : ''
  const head = `  ${cell('NAME', nameWidth)} ${cell('STATUS', 8)} ${cell('↺', 3, true)} ${cell('CPU', 6, true)}${blank} ${cell('MEM', 6, true)}${blank} ${cell('IN FLIGHT', 9, true)} ${cell('PENDING', 7, true)} ${cell('MSG/S', 6, true)} ${cell('UPTIME', 6, true)}`
  lines.push(cut(head, v.columns))
  const seenNames = new Set<string>()
  s.agents.forEach((a, i) => {
    const first = !seenNames.has(a.name)
    seenNames.add(a.name)
    const perName = first ? rate(v.rates.byAgent.get(a.name) ?? 0) : ''
    const status = cell(a.status, 8)
    const row = (st: string) =>
      `${i === v.selected ? '› ' : '  '}${cell(safeCell(a.id), nameWidth)} ${st} ${cell(String(a.restarts), 3, true)} ${cell(`${a.cpu.toFixed(1)}%`, 6, true)}${sparkOf(a.history.cpu, 100)} ` +
      `${cell(a.pid === null ? '-' : shortBytes(a.memory), 6, true)}${sparkOf(a.history.memory)} ${cell(String(a.inFlight), 9, true)} ${cell(String(a.inbox), 7, true)} ${cell(perName, 6, true)} ${cell(a.uptime > 0 ? formatDuration(a.uptime) : '-', 6, true)}`
    const plain = row(status)
    // colour only when the row fits whole: a cut must never fall inside an escape sequence
    let line = plain.length <= v.columns ? row(paint(status, statusColour(a.status), v.colour)) : cut(plain, v.columns)
    if (i === v.selected && v.colour) line = ESC.inverse + line + ESC.reset
    lines.push(line)
  })
  if (s.agents.length === 0) lines.push(cut('  no agents: orch start a config first', v.columns))
  const title = `── ${v.logTitle} `
  lines.push(cut(title + '─'.repeat(Math.max(0, v.columns - title.length)), v.columns))
  const footer = cut(v.notice ? `${v.notice} · ${KEYS_HELP}` : KEYS_HELP, v.columns)
  const room = Math.max(0, v.rows - lines.length - 1)
  const tail = v.logLines.slice(-room).map((l) => cut(safeLine(l).replace(/\t/g, '  '), v.columns))
  lines.push(...tail)
  while (lines.length < v.rows - 1) lines.push('')
  lines.push(footer)
  return lines.slice(0, v.rows)
}
