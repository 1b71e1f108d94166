import { StoreFullError } from './errors/store-full-error.js'

/** errno codes that mean "no room": the write can succeed later, once space is freed */
const NO_ROOM = new Set(['ENOSPC', 'EDQUOT', 'EFBIG'])

/** A failed write as the queue reports it: E_STORE_FULL when there is no room, else the error as it is. */
export function storeWriteError(file: string, err: unknown): unknown {
  const code = (err as NodeJS.ErrnoException | undefined)?.code
  return code && NO_ROOM.has(code) ? new StoreFullError(file, `${code}: ${(err as Error).message}`) : err
}

/** A write that stored fewer bytes than asked: on a regular file, the disk filled up mid-write. */
export function shortWriteError(file: string, wrote: number, of: number): StoreFullError {
  return new StoreFullError(file, `short write: ${wrote} of ${of} bytes`)
}
