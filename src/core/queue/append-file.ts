import { constants, writeSync } from 'node:fs'
import { open, type FileHandle } from 'node:fs/promises'
import { dirname } from 'node:path'
import { fsyncDir } from '../store/fsync-dir.js'
import { shortWriteError, storeWriteError } from './write-errors.js'

/** Data files hold message payloads: owner only. */
export const DATA_FILE_MODE = 0o600

/**
 * A log file that only ever grows by whole writes. Each append either lands
 * complete or is undone: the length of every write is checked (a short write
 * is a failure), and after any failure the file is cut back to the end of
 * the last good write before anything else is appended, so a torn line never
 * has the next write glued onto it. SQLite's and LevelDB's logs work alike.
 */
export class AppendFile {
  /** end of the last good write: where the next one goes */
  private end: number
  /** a failed write may have left bytes past `end` */
  private torn = false

  private constructor(
    readonly path: string,
    private readonly fd: FileHandle,
    size: number,
  ) {
    this.end = size
  }

  /** Opens (creating it 0600 when missing) for appending at its current end. */
  static async open(path: string): Promise<AppendFile> {
    const fd = await open(path, constants.O_RDWR | constants.O_CREAT, DATA_FILE_MODE)
    try {
      const { size, mode } = await fd.stat()
      // a file from an older orch (NeDB's default is 0644): owner only from now on
      if ((mode & 0o777) !== DATA_FILE_MODE) await fd.chmod(DATA_FILE_MODE)
      // a new file's directory entry must survive a power cut too
      if (size === 0) await fsyncDir(dirname(path)).catch(() => {})
      return new AppendFile(path, fd, size)
    } catch (err) {
      await fd.close()
      throw err
    }
  }

  get size(): number {
    return this.end
  }

  /** Writes `text` (a string, as UTF-8, or bytes) at the end; with `sync`, on disk (fdatasync) when it resolves. Throws StoreFullError when there is no room. */
  async append(text: string | Buffer, sync: boolean): Promise<void> {
    if (this.torn) await this.repair()
    const buf = typeof text === 'string' ? Buffer.from(text, 'utf8') : text
    try {
      // write(2) from the event loop, into the page cache, as Redis writes its append-only file: about
      // 8 µs for a batch of a few lines here, where a thread-pool write costs a hand-off each way
      // (about 37 µs, and a thread woken per write). Only an fsync, which waits for the disk, goes
      // to the thread pool.
      const bytesWritten = writeSync(this.fd.fd, buf, 0, buf.length, this.end)
      if (bytesWritten !== buf.length) throw shortWriteError(this.path, bytesWritten, buf.length)
      if (sync) await this.fd.datasync()
    } catch (err) {
      this.torn = true
      // now if possible, else before the next append
      await this.repair().catch(() => {})
      throw storeWriteError(this.path, err)
    }
    this.end += buf.length
  }

  /** Cuts the file back to `size` bytes (a torn tail found at load). */
  async truncate(size: number): Promise<void> {
    await this.fd.truncate(size)
    this.end = size
    this.torn = false
  }

  close(): Promise<void> {
    return this.fd.close()
  }

  private async repair(): Promise<void> {
    // truncating frees space, so it works on a full disk too
    await this.fd.truncate(this.end)
    this.torn = false
  }
}
