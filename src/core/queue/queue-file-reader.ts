import { readFile } from 'node:fs/promises'
import type { Message } from './message.js'
import type { SubscriptionDoc } from './nedb-documents.js'
import { parseQueueLine } from './queue-file-format.js'

export interface BadLine {
  /** 1-based */
  line: number
  text: string
  reason: string
}

export interface QueueFileContents {
  messages: Map<string, Message>
  subscriptions: Map<string, SubscriptionDoc>
  /** the header's version; null when the file has none (written before versions) */
  version: number | null
  /** lines that could not be read, a torn last line included */
  bad: BadLine[]
  /** bytes up to the end of the last complete line: where a torn tail starts */
  completeBytes: number
  /** non-empty lines read, bad ones included: how much history a compaction would drop */
  lines: number
}

/**
 * Reads a queue file the way NeDB would, but never refuses it: a line that
 * is not a readable document of ours (a torn last line, garbage, a wrong
 * shape) is collected in `bad` and skipped, and every other record is kept.
 * Returns null when the file does not exist.
 */
export async function readQueueFile(path: string): Promise<QueueFileContents | null> {
  let buf: Buffer
  try {
    buf = await readFile(path)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null
    throw err
  }
  const out: QueueFileContents = { messages: new Map(), subscriptions: new Map(), version: null, bad: [], completeBytes: 0, lines: 0 }
  const lastNewline = buf.lastIndexOf(0x0a)
  out.completeBytes = lastNewline + 1
  const text = buf.toString('utf8', 0, out.completeBytes)
  const lines = text.split('\n')
  lines.pop() // after the last '\n'
  lines.forEach((line, i) => {
    if (line.trim() === '') return
    out.lines++
    const parsed = parseQueueLine(line)
    switch (parsed.kind) {
      case 'header':
        out.version = parsed.version
        return
      case 'message':
        out.messages.set(parsed.message.id, parsed.message)
        return
      case 'subscription':
        out.subscriptions.set(parsed.doc._id, parsed.doc)
        return
      case 'deletion':
        out.messages.delete(parsed.id)
        out.subscriptions.delete(parsed.id)
        return
      case 'ignored':
        return
      case 'bad':
        out.bad.push({ line: i + 1, text: line, reason: parsed.reason })
    }
  })
  if (out.completeBytes < buf.length) {
    out.lines++
    out.bad.push({ line: lines.length + 1, text: buf.toString('utf8', out.completeBytes), reason: 'torn last line (no newline: a write cut short)' })
  }
  return out
}
