import { copyFileSync, renameSync, statSync, truncateSync, unlinkSync } from 'node:fs'
import { indexPath } from '../log/time-index.js'

export const LOG_CHECK_INTERVAL_MS = 10_000

/**
 * Rotates a log file the agent keeps open for appending: copy it to `.1`
 * (shifting older copies up to `retain`), then truncate it in place. The
 * agent's descriptor is O_APPEND, so it goes on writing at the new end. As
 * with logrotate's copytruncate, lines written between the copy and the
 * truncate are lost; the agent never has to reopen anything.
 *
 * `timed`: the file has a time index (time-index.ts), which moves with the
 * copy (`<file>.1.idx`, shifted as the copies are) after `beforeCopy` has
 * marked the file's current end; the file's next mark starts a new index.
 */
export function rotateIfNeeded(file: string, maxBytes: number, retain: number, timed?: { beforeCopy: () => void }): boolean {
  let size: number
  try {
    size = statSync(file).size
  } catch {
    return false
  }
  if (size < maxBytes) return false
  timed?.beforeCopy()
  for (let i = retain - 1; i >= 1; i--) {
    try {
      renameSync(`${file}.${i}`, `${file}.${i + 1}`)
    } catch {}
    // a copy without an index must not take the index of the one it replaces
    if (timed) moveOrDrop(indexPath(`${file}.${i}`), indexPath(`${file}.${i + 1}`))
  }
  if (retain > 0) {
    // copied aside, then renamed: a reader of `.1` never sees it half-written
    copyFileSync(file, `${file}.1.tmp`)
    if (timed) moveOrDrop(indexPath(file), indexPath(`${file}.1`))
    renameSync(`${file}.1.tmp`, `${file}.1`)
  } else if (timed) {
    dropFile(indexPath(file))
  }
  truncateSync(file, 0)
  return true
}

function dropFile(path: string): void {
  try {
    unlinkSync(path)
  } catch {}
}

function moveOrDrop(from: string, to: string): void {
  try {
    renameSync(from, to)
  } catch {
    dropFile(to)
  }
}
