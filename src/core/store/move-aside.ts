import { chmodSync, closeSync, existsSync, fsyncSync, openSync, renameSync, writeSync } from 'node:fs'
import { dirname } from 'node:path'
import { fsyncDirSync } from './fsync-dir.js'
import { corruptPath } from './corrupt-path.js'

/** `<file>.corrupt-<time>`, with a counter when two repairs fall in the same millisecond. */
function asidePath(file: string, at: number): string {
  const first = corruptPath(file, at)
  let path = first
  for (let n = 1; existsSync(path); n++) path = `${first}-${n}`
  return path
}

/** Renames an unreadable file out of the way (kept, mode 0600, for a person to look at); returns where it went. */
export function moveFileAside(file: string, at = Date.now()): string {
  const to = asidePath(file, at)
  renameSync(file, to)
  chmodSync(to, 0o600)
  fsyncDirSync(dirname(file))
  return to
}

/** Writes the unreadable lines of `file` next to it (mode 0600, fsynced) before the file is rewritten without them. */
export function saveLinesAside(file: string, lines: string[], at = Date.now()): string {
  const to = asidePath(file, at)
  const fd = openSync(to, 'wx', 0o600)
  try {
    const buf = Buffer.from(`${lines.join('\n')}\n`)
    for (let off = 0; off < buf.length; ) off += writeSync(fd, buf, off, buf.length - off)
    fsyncSync(fd)
  } finally {
    closeSync(fd)
  }
  fsyncDirSync(dirname(file))
  return to
}
