import { closeSync, openSync, readdirSync, readSync, statSync } from 'node:fs'
import { join } from 'node:path'
import type { OrchPaths } from '../core/paths.js'

export interface LogFile {
  agent: string
  path: string
  stream: 'out' | 'err'
}

export interface LogLine {
  agent: string
  stream: 'out' | 'err'
  line: string
}

const TAIL_CHUNK = 64 * 1024
const FOLLOW_POLL_MS = 200

/** Log files of an agent (all its instances), of one instance, or of every agent. */
export function findLogFiles(paths: OrchPaths, name: string | undefined, stream: 'out' | 'err'): LogFile[] {
  let entries: string[]
  try {
    entries = readdirSync(paths.logsDir)
  } catch {
    return []
  }
  const suffix = `.${stream}.log`
  const wanted = name?.replace(':', '.')
  return entries
    .filter((f) => f.endsWith(suffix))
    .map((f) => f.slice(0, -suffix.length))
    .filter((base) => !wanted || base === wanted || (!wanted.includes('.') && base.startsWith(`${wanted}.`)))
    .sort()
    .map((base) => ({ agent: base.replace('.', ':'), path: join(paths.logsDir, `${base}${suffix}`), stream }))
}

/** The last `n` lines of a file, reading only its end. */
export function lastLines(file: LogFile, n: number): LogLine[] {
  if (n === 0) return []
  let fd: number
  try {
    fd = openSync(file.path, 'r')
  } catch {
    return []
  }
  try {
    const size = statSync(file.path).size
    let pos = size
    let text = ''
    while (pos > 0 && text.split('\n').length <= n + 1) {
      const len = Math.min(TAIL_CHUNK, pos)
      pos -= len
      const buf = Buffer.alloc(len)
      readSync(fd, buf, 0, len, pos)
      text = buf.toString('utf8') + text
    }
    const lines = text.split('\n')
    if (lines[lines.length - 1] === '') lines.pop()
    return lines.slice(-n).map((line) => ({ agent: file.agent, stream: file.stream, line }))
  } finally {
    closeSync(fd)
  }
}

/** Prints lines appended from now on; picks up agents that appear later and files that were rotated. Never resolves. */
export function followLogs(paths: OrchPaths, name: string | undefined, stream: 'out' | 'err', print: (l: LogLine) => void): Promise<never> {
  const offsets = new Map<string, number>()
  const partial = new Map<string, string>()
  for (const f of findLogFiles(paths, name, stream)) offsets.set(f.path, statSync(f.path).size)
  const poll = (): void => {
    for (const f of findLogFiles(paths, name, stream)) {
      let size: number
      try {
        size = statSync(f.path).size
      } catch {
        continue
      }
      let from = offsets.get(f.path) ?? 0
      if (size < from) from = 0 // truncated by rotation
      if (size === from) continue
      const fd = openSync(f.path, 'r')
      const buf = Buffer.alloc(size - from)
      readSync(fd, buf, 0, buf.length, from)
      closeSync(fd)
      offsets.set(f.path, size)
      const text = (partial.get(f.path) ?? '') + buf.toString('utf8')
      const lines = text.split('\n')
      partial.set(f.path, lines.pop() ?? '')
      for (const line of lines) print({ agent: f.agent, stream, line })
    }
  }
  return new Promise(() => {
    setInterval(poll, FOLLOW_POLL_MS)
  })
}
