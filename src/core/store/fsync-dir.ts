import { closeSync, fsyncSync, openSync } from 'node:fs'

/** Makes a rename (or a new file) in `dir` durable: without it a power cut may bring back the old name. */
export function fsyncDir(dir: string): void {
  const fd = openSync(dir, 'r')
  try {
    fsyncSync(fd)
  } finally {
    closeSync(fd)
  }
}
