import { open } from 'node:fs/promises'
import { corruptPath } from './corrupt-path.js'

/**
 * Keeps unreadable bytes of `file` next to it, as `<file>.corrupt-<time>`
 * (0600: they may hold message payloads), before the file is repaired
 * without them. Returns the new file's path.
 */
export async function setAside(file: string, bytes: string, now = new Date()): Promise<string> {
  const first = corruptPath(file, now.getTime())
  let path = first
  for (let n = 1; ; n++) {
    try {
      const fd = await open(path, 'wx', 0o600)
      try {
        await fd.writeFile(bytes)
        await fd.sync()
      } finally {
        await fd.close()
      }
      return path
    } catch (err) {
      // two repairs in one millisecond: never overwrite the first
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || n > 100) throw err
      path = `${first}-${n}`
    }
  }
}
