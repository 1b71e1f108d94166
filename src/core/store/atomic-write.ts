import { closeSync, fsyncSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs'
import { dirname } from 'node:path'
import { fsyncDirSync } from './fsync-dir.js'

/**
 * Writes `text` to a temporary file (mode 0600), fsyncs it, renames it over
 * `file` and fsyncs the folder: a crash or a power cut leaves the old file
 * or the new one, never half of one. A failed write leaves the old file.
 */
export function writeFileAtomic(file: string, text: string): void {
  const tmp = `${file}.${process.pid}.tmp`
  const fd = openSync(tmp, 'w', 0o600)
  try {
    const buf = Buffer.from(text)
    // writeSync may write less than asked (a full disk): go on until all of it is down or it throws.
    for (let off = 0; off < buf.length; ) off += writeSync(fd, buf, off, buf.length - off)
    fsyncSync(fd)
  } catch (err) {
    closeSync(fd)
    try {
      unlinkSync(tmp)
    } catch {}
    throw err
  }
  closeSync(fd)
  renameSync(tmp, file)
  // the rename is the commit point: the new content is in place whatever the directory's fsync says
  try {
    fsyncDirSync(dirname(file))
  } catch {}
}
