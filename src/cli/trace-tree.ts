import type { TracedMessage } from '../core/history/trace.js'
import type { OrchPaths } from '../core/paths.js'
import { findLogFiles, lastLines, type LogFile } from './log-files.js'

/** A handler's log line that carries the trace's correlationId (or names one of its messages). */
export interface TraceLogLine {
  /** the instance whose log holds it */
  instance: string
  time?: string
  level?: string
  msg?: string
  messageId?: string
  /** the line as written */
  line: string
}

export type TraceNode = TracedMessage & { logs: TraceLogLine[]; children: TraceNode[] }

export interface TraceTree {
  traceId: string
  /** messages whose parent is not in the trace */
  roots: TraceNode[]
  /** log lines of the trace that name none of its messages (`messageId` of a message the history no longer has) */
  logs: TraceLogLine[]
}

/** How far back in each log file the lines of a trace are looked for. */
export const TRACE_LOG_SCAN_LINES = 20_000

/** Nests the daemon's flat list (in stored order) by `parentId`, and hangs each handler's log lines on its message. */
export function buildTraceTree(traceId: string, messages: readonly TracedMessage[], logs: readonly TraceLogLine[]): TraceTree {
  const nodes = new Map<string, TraceNode>()
  for (const m of messages) nodes.set(m.id, { ...m, logs: [], children: [] })
  const roots: TraceNode[] = []
  for (const node of nodes.values()) {
    const parent = node.parentId === undefined ? undefined : nodes.get(node.parentId)
    if (parent && parent !== node) parent.children.push(node)
    else roots.push(node)
  }
  const loose: TraceLogLine[] = []
  for (const l of logs) {
    const owner = l.messageId === undefined ? undefined : nodes.get(l.messageId)
    if (owner) owner.logs.push(l)
    else loose.push(l)
  }
  return { traceId, roots, logs: loose }
}

/**
 * The JSON lines the SDK logger wrote into the stdout logs of these
 * instances (and of the other instances of their agents) that carry
 * `traceId` as correlationId or name one of `ids` as messageId; the last
 * TRACE_LOG_SCAN_LINES lines of each file are searched.
 */
export function traceLogLines(paths: OrchPaths, instances: Iterable<string>, traceId: string, ids: ReadonlySet<string>): TraceLogLine[] {
  const files = new Map<string, LogFile>()
  for (const instance of instances) for (const f of findLogFiles(paths, instance.split(':')[0], 'out')) files.set(f.path, f)
  const out: TraceLogLine[] = []
  for (const file of files.values()) {
    for (const { line } of lastLines(file, TRACE_LOG_SCAN_LINES)) {
      // the JSON may follow a prefix (a time added to the line): it starts at the first '{'
      const brace = line.indexOf('{')
      if (brace < 0 || (!line.includes(traceId) && !line.includes('"messageId"'))) continue
      let d: Record<string, unknown>
      try {
        d = JSON.parse(line.slice(brace)) as Record<string, unknown>
      } catch {
        continue
      }
      const messageId = typeof d.messageId === 'string' ? d.messageId : undefined
      if (d.correlationId !== traceId && !(messageId !== undefined && ids.has(messageId))) continue
      const entry: TraceLogLine = { instance: file.agent, line }
      if (typeof d.time === 'string') entry.time = d.time
      if (typeof d.level === 'string') entry.level = d.level
      if (typeof d.msg === 'string') entry.msg = d.msg
      if (messageId !== undefined) entry.messageId = messageId
      out.push(entry)
    }
  }
  // ISO times sort as text; a line without one keeps its place after the timed ones
  return out.sort((a, b) => (a.time ?? '\uffff').localeCompare(b.time ?? '\uffff'))
}
