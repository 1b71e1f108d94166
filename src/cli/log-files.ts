import { closeSync, fstatSync, openSync, readdirSync, readSync, statSync } from 'node:fs'
import { join } from 'node:path'
import type { OrchPaths } from '../core/paths.js'
import { TimeIndexReader, UnusableIndex } from '../core/log/time-index.js'
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
  /** ms epoch: when the line was written (see core/log/time-index.ts) */
  time: number
  /** the time is an upper bound only: the line was written while no daemon ran, at or before it */
  approx?: true
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

export interface ReadOptions {
  /** how many last lines (of those in the range); Infinity for all */
  n: number
  /** ms epoch: only lines written at or after */
  since?: number
  /** ms epoch: only lines written at or before */
  until?: number
  /** lines past a file's last mark are then as recent as the file's mtime, not approximate */
  daemonRunning: boolean
  /** the file's time index could not be read: its lines get the file's mtime, approximate */
  onUnusableIndex?: (file: LogFile, reason: string) => void
}

interface Span {
  from: number
  /** where the line's text ends (its newline, or the end of the file) */
  to: number
  /** where the line ends, newline included: what its time is looked up by */
  end: number
  /** its first MAX_LINE_BYTES, when the chunk read holds them */
  head?: Buffer
}

/** The first chunk read back is small (a few lines are often all that is asked); each next one is twice as large, up to READ_CHUNK. */
const FIRST_CHUNK = 64 * 1024

/**
 * The lines of the first `endPos` bytes, last first, down to the one that
 * ends after `floor`, scanning back one chunk at a time and keeping only
 * positions: a 50 MB line costs one pass over it, not a copy per chunk. A
 * piece of line cut by `endPos` (not the end of the file) is not a line.
 */
function* linesBack(fd: number, size: number, endPos: number, floor: number): Generator<Span> {
  if (endPos <= 0) return
  const buf = Buffer.allocUnsafe(Math.min(READ_CHUNK, endPos))
  let winStart = 0
  let winEnd = 0
  let step = FIRST_CHUNK
  const newlineBefore = (pos: number): number => {
    for (;;) {
      if (pos > winStart && pos <= winEnd) {
        const i = buf.lastIndexOf(0x0a, pos - winStart - 1)
        if (i >= 0) return winStart + i
        pos = winStart
      }
      if (pos <= 0) return -1
      winStart = Math.max(0, pos - Math.min(step, buf.length))
      winEnd = pos
      step *= 2
      readSync(fd, buf, 0, winEnd - winStart, winStart)
    }
  }
  const headOf = (from: number, to: number): Buffer | undefined => {
    const stop = Math.min(to, from + MAX_LINE_BYTES)
    return from >= winStart && stop <= winEnd ? Buffer.from(buf.subarray(from - winStart, stop - winStart)) : undefined
  }
  const lastNl = newlineBefore(endPos)
  // the newline that ends the file ends the last line; it does not start an empty one
  let to = lastNl === endPos - 1 ? lastNl : endPos
  let end = endPos
  let skip = to === endPos && endPos < size
  for (;;) {
    const nl = newlineBefore(to)
    if (!skip) yield { from: nl + 1, to, end, head: headOf(nl + 1, to) }
    skip = false
    if (nl < 0 || nl + 1 <= floor) return
    to = nl
    end = nl + 1
  }
}

/**
 * The last `n` lines of a file in a time range, each with its time (see
 * core/log/time-index.ts), reading only what it shows: a binary search in
 * the index finds where the range ends and starts, and lines are read back
 * from there. A line over MAX_LINE_BYTES shows its start and how much was cut.
 */
export function readLines(file: LogFile, opts: ReadOptions): LogLine[] {
  if (opts.n === 0) return []
  let fd: number
  try {
    fd = openSync(file.path, 'r')
  } catch {
    return []
  }
  try {
    // the file is measured once the index is: every mark the index holds is then within it
    let st = fstatSync(fd)
    if (st.size === 0) return []
    let index: TimeIndexReader | null = null
    try {
      index = TimeIndexReader.open(file.path, () => (st = fstatSync(fd)).size)
      return linesInRange(fd, file, st.size, st.mtimeMs, index, opts)
    } catch (err) {
      if (!(err instanceof UnusableIndex)) throw err
      opts.onUnusableIndex?.(file, err.message)
      return linesInRange(fd, file, st.size, st.mtimeMs, null, { ...opts, daemonRunning: false })
    } finally {
      index?.close()
    }
  } finally {
    closeSync(fd)
  }
}

function linesInRange(fd: number, file: LogFile, size: number, mtime: number, index: TimeIndexReader | null, opts: ReadOptions): LogLine[] {
  const { since = -Infinity, until = Infinity } = opts
  const marked = index && index.count > 0 ? index.at(index.count - 1).offset : 0
  // past the last mark: written at or before the file's mtime, which is a line's time to within a mark window when a daemon runs
  const tail = { time: mtime, approx: !opts.daemonRunning }
  let endPos = size
  let floor = 0
  if (index && index.count > 0) {
    const j = index.firstAfterTime(until)
    if (j === 0) return [] // the first mark is already too late
    if (j < index.count) endPos = index.at(j).offset
    else if (mtime > until) endPos = marked
    const k = index.firstAfterTime(since - 0.001)
    floor = k === 0 ? 0 : k < index.count ? index.at(k - 1).offset : marked
  } else if (mtime > until || mtime < since) {
    return []
  }
  let mi = -1
  const timeOf = (end: number): { time: number; approx: boolean } => {
    if (!index || end > marked) return tail
    if (mi < 0) mi = index.firstAtOrAfter(end)
    else while (mi > 0 && index.at(mi - 1).offset >= end) mi--
    const m = index.at(mi)
    return { time: m.time, approx: m.approx }
  }
  const spans: Array<Span & { time: number; approx: boolean }> = []
  for (const span of linesBack(fd, size, endPos, floor)) {
    const t = timeOf(span.end)
    if (t.time < since) break
    if (t.time > until) continue
    spans.push({ ...span, ...t })
    if (spans.length >= opts.n) break
  }
  return spans.reverse().map(({ from, to, time, approx, head: kept }) => {
    let head = kept
    if (!head) {
      head = Buffer.alloc(Math.min(MAX_LINE_BYTES, to - from))
      readSync(fd, head, 0, head.length, from)
    }
    return { agent: file.agent, stream: file.stream, time, ...(approx ? { approx: true as const } : {}), ...displayLine(head, to - from - head.length) }
  })
}

/** Lines of several files in the order they were written: by time, ties in the order given (a stable sort). */
export function byTime(lines: LogLine[]): LogLine[] {
  return lines.sort((a, b) => a.time - b.time)
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
        // what was read now was written at or before the file's last write
        const { size, mtimeMs: mtime } = fstatSync(fd)
        let from = offsets.get(f.path) ?? 0
        if (size < from) from = 0 // truncated by rotation
        let cutter = cutters.get(f.path)
        if (!cutter) cutters.set(f.path, (cutter = new LineCutter()))
        // in bounded chunks: an agent may have written 50 MB since the last poll
        while (from < size) {
          const len = readSync(fd, buf, 0, Math.min(buf.length, size - from), from)
          if (len === 0) break
          from += len
          cutter.push(buf.subarray(0, len), (l) => print({ agent: f.agent, stream: f.stream, time: mtime, ...l }))
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

/** The last `n` lines of a file, whatever their time. */
export function lastLines(file: LogFile, n: number): LogLine[] {
  return readLines(file, { n, daemonRunning: false })
}
