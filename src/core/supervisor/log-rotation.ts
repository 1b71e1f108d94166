import { copyFileSync, renameSync, statSync, truncateSync } from 'node:fs'

export const LOG_CHECK_INTERVAL_MS = 10_000

/**
 * Rotates a log file the agent keeps open for appending: copy it to `.1`
 * (shifting older copies up to `retain`), then truncate it in place. The
 * agent's descriptor is O_APPEND, so it goes on writing at the new end. As
 * with logrotate's copytruncate, lines written between the copy and the
 * truncate are lost; the agent never has to reopen anything.
 */
export function rotateIfNeeded(file: string, maxBytes: number, retain: number): boolean {
  let size: number
  try {
    size = statSync(file).size
  } catch {
    return false
  }
  if (size < maxBytes) return false
  for (let i = retain - 1; i >= 1; i--) {
    try {
      renameSync(`${file}.${i}`, `${file}.${i + 1}`)
    } catch {}
  }
  if (retain > 0) {
    // copied aside, then renamed: a reader of `.1` never sees it half-written
    copyFileSync(file, `${file}.1.tmp`)
    renameSync(`${file}.1.tmp`, `${file}.1`)
  }
  truncateSync(file, 0)
  return true
}
