import type { TracedMessage } from '../core/history/trace.js'
import { table } from './format.js'
import { shortId } from './render-messages.js'
import type { TraceLogLine, TraceNode, TraceTree } from './trace-tree.js'

/** Times of day with milliseconds: a trace is read at that grain. */
export function clock(at: number | undefined): string {
  return at === undefined ? '-' : new Date(at).toISOString().slice(11, 23)
}

/** When a message ended: the time of day today, the date and time before (UTC, as the SDK logger writes). */
export function when(at: number | undefined, now = Date.now()): string {
  if (at === undefined) return '-'
  const iso = new Date(at).toISOString()
  return iso.slice(0, 10) === new Date(now).toISOString().slice(0, 10) ? iso.slice(11, 23) : `${iso.slice(0, 10)} ${iso.slice(11, 19)}`
}

export function ms(n: number | undefined): string {
  if (n === undefined) return '-'
  return n < 1000 ? `${n} ms` : `${(n / 1000).toFixed(n < 10_000 ? 2 : 1)} s`
}

function headline(m: TracedMessage): string {
  const to = m.to ?? '?'
  const at = m.instance !== undefined && m.instance !== to ? `${to} (${m.instance})` : to
  return `${m.type ?? '?'}  ${m.from ?? '?'} → ${at}  ${m.outcome}  attempts ${m.attempts}  [${shortId(m.id)}]`
}

function times(m: TracedMessage): string {
  return `queued ${clock(m.queuedAt)}  waited ${ms(m.waitedMs)}  handled ${ms(m.handledMs)}  total ${ms(m.totalMs)}`
}

function logLine(l: TraceLogLine): string {
  const when = l.time !== undefined ? l.time.slice(11, 23) : ''
  return l.msg !== undefined ? `${when} ${l.instance} ${l.level ?? ''} ${l.msg}`.trim() : `${l.instance} ${l.line}`
}

/** The tree as text: one block per message (what, when, how it ended, its handler's log lines), children indented under it. */
export function renderTrace(tree: TraceTree): string {
  const count = (nodes: TraceNode[]): number => nodes.reduce((a, n) => a + 1 + count(n.children), 0)
  const out = [`trace ${tree.traceId} (${count(tree.roots)} message${count(tree.roots) === 1 ? '' : 's'}; times UTC)`]
  const walk = (node: TraceNode, prefix: string, last: boolean): void => {
    out.push(`${prefix}${last ? '└─ ' : '├─ '}${headline(node)}`)
    const inner = `${prefix}${last ? '   ' : '│  '}`
    const bar = node.children.length > 0 ? '│ ' : '  '
    out.push(`${inner}${bar}${times(node)}`)
    for (const e of node.events) {
      if (e.ev === 'nacked' || e.ev === 'lost') out.push(`${inner}${bar}${e.ev} by ${e.instance ?? '?'} at ${clock(e.t)}: ${e.error ?? ''}`)
      if (e.ev === 'deadLettered') out.push(`${inner}${bar}dead at ${clock(e.t)}: ${e.error ?? ''}`)
    }
    for (const l of node.logs) out.push(`${inner}${bar}log ${logLine(l)}`)
    node.children.forEach((c, i) => walk(c, inner, i === node.children.length - 1))
  }
  tree.roots.forEach((r, i) => walk(r, '', i === tree.roots.length - 1))
  if (tree.logs.length > 0) {
    out.push('', 'other log lines of this trace:')
    for (const l of tree.logs) out.push(`  ${logLine(l)}`)
  }
  return out.join('\n')
}

/** `orch queue history`: finished messages, most recent first. */
export function renderHistory(messages: readonly TracedMessage[]): string {
  if (messages.length === 0) return 'no finished messages in the history'
  const rows = messages.map((m) => [
    shortId(m.id),
    m.from ?? '?',
    m.instance ?? m.to ?? '?',
    m.type ?? '?',
    m.outcome,
    m.attempts,
    when(m.endedAt),
    ms(m.waitedMs),
    ms(m.handledMs),
    ms(m.totalMs),
    m.error !== undefined && m.outcome !== 'acked' ? m.error.replace(/\s+/g, ' ').slice(0, 60) : '-',
  ])
  return table(['id', 'from', 'to', 'type', 'outcome', 'attempts', 'ended (UTC)', 'waited', 'handled', 'total', 'error'], rows)
}
