import { truncateSync, statSync } from 'node:fs'
import { HEADER_BYTES, indexPath } from '../core/log/time-index.js'
import type { LogFile } from './log-files.js'

export interface FlushedFile extends LogFile {
  /** bytes the file held before */
  bytes: number
}

/**
 * Empties log files in place, as `pm2 flush`. Truncated, never unlinked or
 * replaced: a running agent holds its files open with O_APPEND, so it goes
 * on writing to the same file, from its new end (an unlinked file would take
 * its output out of sight until the next restart). A file that went away
 * meanwhile is skipped. A file's time index is emptied with it (its header
 * kept), so no time of the old lines is given to the new ones.
 */
export function flushLogs(files: readonly LogFile[]): FlushedFile[] {
  const flushed: FlushedFile[] = []
  for (const f of files) {
    try {
      const bytes = statSync(f.path).size
      truncateSync(f.path, 0)
      try {
        if (statSync(indexPath(f.path)).size > HEADER_BYTES) truncateSync(indexPath(f.path), HEADER_BYTES)
      } catch {}
      flushed.push({ ...f, bytes })
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
    }
  }
  return flushed
}
