import { statSync } from 'node:fs'
import { open, stat } from 'node:fs/promises'
import { LineCutter } from '../../cli/log-lines.js'
import type { LogStream } from '../../cli/log-files.js'
import type { Logger } from '../log/logger.js'

/** How often an open log stream looks for new lines (as `orch logs -f`). */
export const LOG_FOLLOW_MS = 200
/** Read at most this much per file and look: an agent may write faster than a page reads. */
const MAX_READ_BYTES = 1024 * 1024

export interface FollowedLine {
  stream: LogStream
  line: string
}

/**
 * Follows an instance's two log files from their current end: lines
 * appended from now on; a file that appears later, or is rotated or flushed
 * (smaller, or another inode), is read from its start. Asynchronous reads, and every failure caught:
 * nothing here may reach the daemon's crash handler. Returns a stop function.
 */
export function followLogFiles(files: Record<LogStream, string>, emit: (lines: FollowedLine[]) => void, log: Logger): () => void {
  const at = new Map<LogStream, { offset: number; ino: number; cutter: LineCutter }>()
  // where the files end now, before the caller reads their last lines: a line written in between is shown twice, never lost
  for (const [stream, path] of Object.entries(files) as Array<[LogStream, string]>) {
    try {
      const s = statSync(path)
      at.set(stream, { offset: s.size, ino: s.ino, cutter: new LineCutter() })
    } catch {}
  }
  let stopped = false
  let busy = false

  const look = async (stream: LogStream, path: string): Promise<void> => {
    let s
    try {
      s = await stat(path)
    } catch {
      return // not written yet, or between a rotation's rename and the new file
    }
    let state = at.get(stream)
    if (!state || state.ino !== s.ino || s.size < state.offset) {
      state = { offset: 0, ino: s.ino, cutter: new LineCutter() }
      at.set(stream, state)
    }
    if (s.size <= state.offset) return
    const length = Math.min(MAX_READ_BYTES, s.size - state.offset)
    const fh = await open(path, 'r')
    try {
      const buf = Buffer.allocUnsafe(length)
      const { bytesRead } = await fh.read(buf, 0, length, state.offset)
      state.offset += bytesRead
      const lines: FollowedLine[] = []
      state.cutter.push(buf.subarray(0, bytesRead), (l) => lines.push({ stream, line: l.line }))
      if (lines.length > 0 && !stopped) emit(lines)
    } finally {
      await fh.close()
    }
  }

  const tick = async (): Promise<void> => {
    if (busy || stopped) return
    busy = true
    try {
      for (const [stream, path] of Object.entries(files) as Array<[LogStream, string]>) await look(stream, path)
    } catch (err) {
      log.warn('dashboard: cannot read a log file', { err })
    } finally {
      busy = false
    }
  }

  const timer = setInterval(() => void tick(), LOG_FOLLOW_MS)
  timer.unref()
  return () => {
    stopped = true
    clearInterval(timer)
  }
}
