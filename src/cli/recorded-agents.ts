import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { OrchPaths } from '../core/paths.js'
import { isSameProcess } from '../core/supervisor/proc.js'

export interface LeftAgents {
  /** instances whose recorded process still runs: the same pid and the same start time */
  running: string[]
  /** instances meant to run whose process is gone: the next daemon would start them */
  wanted: string[]
}

interface RecordLine {
  _id?: unknown
  $$deleted?: unknown
  desired?: unknown
  pid?: unknown
  procStart?: unknown
}

/**
 * What a daemon that is no longer running left in data/agents.db, read
 * without opening the store (no daemon holds it): NeDB appends a line per
 * change, so the last line of an id wins and a `$$deleted` line drops it.
 * Unreadable lines are skipped: this only decides whether `orch kill` has
 * anything to stop; the daemon it then starts reads the store for real.
 */
export function agentsLeft(paths: OrchPaths): LeftAgents {
  let text: string
  try {
    text = readFileSync(join(paths.dataDir, 'agents.db'), 'utf8')
  } catch {
    return { running: [], wanted: [] }
  }
  const last = new Map<string, RecordLine>()
  for (const line of text.split('\n')) {
    let doc: RecordLine
    try {
      doc = JSON.parse(line) as RecordLine
    } catch {
      continue
    }
    if (typeof doc !== 'object' || doc === null || typeof doc._id !== 'string') continue
    if (doc.$$deleted === true) last.delete(doc._id)
    else last.set(doc._id, doc)
  }
  const left: LeftAgents = { running: [], wanted: [] }
  for (const [id, r] of last) {
    const alive = typeof r.pid === 'number' && typeof r.procStart === 'number' && isSameProcess(r.pid, r.procStart)
    if (alive) left.running.push(id)
    else if (r.desired === 'running') left.wanted.push(id)
  }
  return left
}
