import { closeSync, fstatSync, openSync, readdirSync, readSync, statSync } from 'node:fs'
import { join } from 'node:path'
import type { OrchPaths } from '../core/paths.js'
import { displayLine, LineCutter, MAX_LINE_BYTES } from './log-lines.js'

export type LogStream = 'out' | 'err'

export interface LogFile {
  agent: string
  path: string
  stream: LogStream
}

export interface LogLine {
  agent: string
  stream: LogStream
  line: string
  /** bytes of an overlong line that were not shown (see log-lines.ts) */
  cut?: number
}

/** Bytes read per step, scanning back for line ends or forward for new output: memory stays bounded whatever a file holds. */
const READ_CHUNK = 1024 * 1024
const FOLLOW_POLL_MS = 200

/** Log files of an agent (all its instances), of one instance, or of every agent: by agent, stdout before stderr. */
export function findLogFiles(paths: OrchPaths, name: string | undefined, streams: LogStream | readonly LogStream[]): LogFile[] {
  let entries: string[]
  try {
    entries = readdirSync(paths.logsDir)
  } catch {
    return []
  }
  const wanted = name?.replace(':', '.')
  const files: LogFile[] = []
  for (const stream of typeof streams === 'string' ? [streams] : streams) {
    const suffix = `.${stream}.log`
    for (const f of entries) {
      if (!f.endsWith(suffix)) continue
      const base = f.slice(0, -suffix.length)
      if (wanted && base !== wanted && (wanted.includes('.') || !base.startsWith(`${wanted}.`))) continue
      files.push({ agent: base.replace('.', ':'), path: join(paths.logsDir, f), stream })
    }
  }
  const rank = (f: LogFile): string => `${f.path.slice(0, -`.${f.stream}.log`.length)}\u0000${f.stream === 'out' ? 0 : 1}`
  return files.sort((a, b) => (rank(a) < rank(b) ? -1 : rank(a) > rank(b) ? 1 : 0))
}

/**
 * The order `orch logs` prints its last lines in: agents by name and, within
 * an agent, the file written to last goes last. Lines carry no time yet, so
 * an agent's stdout and stderr cannot be merged line by line; this keeps what
 * happened last (a crash's stack trace on stderr, or the restart after it on
 * stdout) at the bottom, next to the prompt.
 */
export function tailOrder(files: readonly LogFile[]): LogFile[] {
  const mtime = (f: LogFile): number => {
    try {
      return statSync(f.path).mtimeMs
    } catch {
      return 0
    }
  }
  const byAgent = new Map<string, LogFile[]>()
  for (const f of files) byAgent.set(f.agent, [...(byAgent.get(f.agent) ?? []), f])
  // a stable sort: files written at the same time keep stdout first
  return [...byAgent.values()].flatMap((group) => group.map((f) => ({ f, at: mtime(f) })).sort((a, b) => a.at - b.at).map(({ f }) => f))
}

/**
 * Drops the files of instances an agent no longer has (it was scaled down:
 * `worker:3` of a `worker` that runs 2 now, or `worker` of one that runs
 * several), given the instances a daemon has. Files of agent names the
 * daemon does not know are kept: they may be the only trace of a deleted one.
 */
export function withoutRemoved(files: LogFile[], instances: ReadonlyArray<{ id: string; name: string }>): LogFile[] {
  const ids = new Set(instances.map((i) => i.id))
  const names = new Set(instances.map((i) => i.name))
  return files.filter((f) => ids.has(f.agent) || !names.has(f.agent.split(':')[0]!))
}

/**
 * Where the last `n` lines of the first `end` bytes start and end, scanning
 * back from `end` for newlines one chunk at a time and keeping only their
 * positions: a 50 MB line costs one pass over it, not a copy per chunk.
 */
function lastLineSpans(fd: number, end: number, n: number): Array<[number, number]> {
  const newlines: number[] = []
  const buf = Buffer.allocUnsafe(Math.min(READ_CHUNK, Math.max(1, end)))
  let pos = end
  while (pos > 0 && newlines.length < n) {
    const len = Math.min(buf.length, pos)
    pos -= len
    readSync(fd, buf, 0, len, pos)
    for (let i = buf.lastIndexOf(0x0a, len - 1); i >= 0 && newlines.length < n; i = i > 0 ? buf.lastIndexOf(0x0a, i - 1) : -1) {
      newlines.push(pos + i)
    }
  }
  // newlines[k] ends the line that starts after newlines[k + 1], or at 0 when the file holds fewer lines
  const spans: Array<[number, number]> = []
  let lineEnd = end
  for (const nl of newlines) {
    spans.push([nl + 1, lineEnd])
    lineEnd = nl
  }
  if (newlines.length < n) spans.push([0, lineEnd])
  return spans.reverse()
}

/** The last `n` lines of a file, reading only its end; a line over MAX_LINE_BYTES shows its start and how much was cut. */
export function lastLines(file: LogFile, n: number): LogLine[] {
  if (n === 0) return []
  let fd: number
  try {
    fd = openSync(file.path, 'r')
  } catch {
    return []
  }
  try {
    const size = fstatSync(fd).size
    if (size === 0) return []
    // the newline that ends the file ends the last line; it does not start an empty one
    const last = Buffer.alloc(1)
    readSync(fd, last, 0, 1, size - 1)
    const end = last[0] === 0x0a ? size - 1 : size
    return lastLineSpans(fd, end, n).map(([from, to]) => {
      const head = Buffer.alloc(Math.min(MAX_LINE_BYTES, to - from))
      readSync(fd, head, 0, head.length, from)
      return { agent: file.agent, stream: file.stream, ...displayLine(head, to - from - head.length) }
    })
  } finally {
    closeSync(fd)
  }
}

/**
 * Prints lines appended from now on; picks up agents that appear later and
 * files that were rotated; never the `hidden` files (of removed instances).
 * Files are read in turn every FOLLOW_POLL_MS, so lines of different files
 * come out in the order they were written to within that much.
 * Resolves only once `stop` is aborted, after a last read of every file.
 */
export function followLogs(
  paths: OrchPaths,
  name: string | undefined,
  streams: LogStream | readonly LogStream[],
  print: (l: LogLine) => void,
  hidden: ReadonlySet<string> = new Set(),
  stop?: AbortSignal,
): Promise<void> {
  const offsets = new Map<string, number>()
  const cutters = new Map<string, LineCutter>()
  const buf = Buffer.allocUnsafe(READ_CHUNK)
  for (const f of findLogFiles(paths, name, streams)) offsets.set(f.path, statSync(f.path).size)
  const poll = (): void => {
    for (const f of findLogFiles(paths, name, streams)) {
      if (hidden.has(f.path)) continue
      let fd: number
      try {
        fd = openSync(f.path, 'r')
      } catch {
        continue
      }
      try {
        const size = fstatSync(fd).size
        let from = offsets.get(f.path) ?? 0
        if (size < from) from = 0 // truncated by rotation
        let cutter = cutters.get(f.path)
        if (!cutter) cutters.set(f.path, (cutter = new LineCutter()))
        // in bounded chunks: an agent may have written 50 MB since the last poll
        while (from < size) {
          const len = readSync(fd, buf, 0, Math.min(buf.length, size - from), from)
          if (len === 0) break
          from += len
          cutter.push(buf.subarray(0, len), (l) => print({ agent: f.agent, stream: f.stream, ...l }))
        }
        offsets.set(f.path, from)
      } finally {
        closeSync(fd)
      }
    }
  }
  return new Promise((resolve) => {
    const timer = setInterval(poll, FOLLOW_POLL_MS)
    stop?.addEventListener('abort', () => {
      clearInterval(timer)
      poll()
      resolve()
    })
  })
}
