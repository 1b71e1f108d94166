import { closeSync, fsyncSync, openSync } from 'node:fs'
import { open } from 'node:fs/promises'

/**
 * fsyncs a directory, so a rename (or a new file) in it survives a power
 * cut: without it the rename may be lost even though the file's data is on
 * disk. Linux and macOS allow this on a read-only descriptor.
 */
export async function fsyncDir(dir: string): Promise<void> {
  const fd = await open(dir, 'r')
  try {
    await fd.sync()
  } finally {
    await fd.close()
  }
}

/** fsyncDir, for the small files written synchronously (desired.json, plugins.json). */
export function fsyncDirSync(dir: string): void {
  const fd = openSync(dir, 'r')
  try {
    fsyncSync(fd)
  } finally {
    closeSync(fd)
  }
}
