import { open, rename, unlink } from 'node:fs/promises'
import { dirname } from 'node:path'
import { fsyncDir } from '../store/fsync-dir.js'
import { DATA_FILE_MODE } from './append-file.js'
import { storeWriteError } from './write-errors.js'

/**
 * Replaces `path` with `text` all at once: a temporary file, fsynced, renamed
 * over it, then the directory fsynced so the rename itself survives a power
 * cut. Either the old or the new content is there, whatever happens; on
 * failure the temporary file is removed and `path` is untouched.
 */
export async function replaceFile(path: string, text: string | Uint8Array): Promise<void> {
  const tmp = `${path}~`
  try {
    const out = await open(tmp, 'w', DATA_FILE_MODE)
    try {
      // writeFile loops until every byte is written or throws (ENOSPC)
      await out.writeFile(text)
      await out.sync()
    } finally {
      await out.close()
    }
    await rename(tmp, path)
  } catch (err) {
    await unlink(tmp).catch(() => {})
    throw storeWriteError(path, err)
  }
  // The rename is the commit point: from here `path` is the new file, and the
  // caller must go on as if it is (an error now would leave it appending to the
  // unlinked old one). A directory that cannot be fsynced only weakens what a
  // power cut keeps.
  await fsyncDir(dirname(path)).catch(() => {})
}
