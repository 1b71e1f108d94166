import { existsSync, readFileSync, renameSync } from 'node:fs'
import { formatProblems, isPlainObject } from '../schema/problems.js'
import { writeFileAtomic } from './atomic-write.js'
import { checkFormatVersion, damagedFormat, isNewerFormat } from './format-version.js'
import { saveLinesAside } from './move-aside.js'
import { instanceDocProblems } from './persisted-schemas.js'

/** The format of each document in data/agents.db (field `format`; none means 1). */
export const STATE_FORMAT_VERSION = 1

export interface StateFileRepair {
  /** unreadable lines dropped from the file */
  dropped: number
  movedTo: string
  /** why the first few were dropped */
  reasons: string[]
}

const REASONS_KEPT = 3

/** NeDB's own lines: a deletion marker and index definitions. */
function isNedbMarker(doc: Record<string, unknown>): boolean {
  return (doc.$$deleted === true && typeof doc._id === 'string') || doc.$$indexCreated !== undefined || doc.$$indexRemoved !== undefined
}

function problemOf(file: string, line: string): string | null {
  let doc: unknown
  try {
    doc = JSON.parse(line)
  } catch {
    return 'not JSON (a torn or garbage line)'
  }
  if (isPlainObject(doc) && isNedbMarker(doc)) return null
  if (isPlainObject(doc)) {
    // A newer orch's record is not damage: refuse (FileFormatError) rather than drop it. A garbled version is damage.
    if (isNewerFormat(doc.format, STATE_FORMAT_VERSION)) checkFormatVersion(file, doc.format, STATE_FORMAT_VERSION)
    const damaged = damagedFormat(doc.format, STATE_FORMAT_VERSION)
    if (damaged) return damaged
  }
  const problems = instanceDocProblems(doc)
  return problems.length > 0 ? formatProblems(problems) : null
}

/**
 * Reads data/agents.db before NeDB does and takes out every line that is not
 * a readable agent record: NeDB would refuse to start past 10% of them, and
 * the supervisor would fail on a record of the wrong shape. The dropped
 * lines are kept next to the file; the file is rewritten without them.
 * Returns null when there was nothing to repair.
 */
export function repairStateFile(file: string): StateFileRepair | null {
  // NeDB's own crash recovery: a compaction that died after removing the file left its copy in `file~`.
  if (!existsSync(file) && existsSync(`${file}~`)) renameSync(`${file}~`, file)
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null
    throw err
  }
  const good: string[] = []
  const bad: string[] = []
  const reasons: string[] = []
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue
    const problem = problemOf(file, line)
    if (problem === null) good.push(line)
    else {
      bad.push(line)
      if (reasons.length < REASONS_KEPT) reasons.push(problem)
    }
  }
  if (bad.length === 0) return null
  // Aside first, then the rewrite: a crash in between leaves a copy too many, never one too few.
  const movedTo = saveLinesAside(file, bad)
  writeFileAtomic(file, good.length > 0 ? `${good.join('\n')}\n` : '')
  return { dropped: bad.length, movedTo, reasons }
}
