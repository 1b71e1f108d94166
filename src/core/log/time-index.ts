import { closeSync, fstatSync, openSync, readSync } from 'node:fs'

/**
 * The time index of an agent log file: `<id>.out.log.idx` next to
 * `<id>.out.log`, written by the daemon only (agents write their output
 * straight to the log, with or without a daemon). A header (magic + version)
 * then fixed records, each a mark "at `time`, the log held `offset` bytes":
 * every byte before `offset` was written at or before `time`. A line's time
 * is the time of the first mark at or after its end. Marks are appended in
 * order, offsets and times never decrease, so both can be binary searched.
 *
 * Record: offset (uint48 LE), flags (uint16 LE), time (float64 LE, ms epoch).
 */
export const INDEX_MAGIC = Buffer.from('ORCHTIX', 'latin1')
export const INDEX_VERSION = 1
export const HEADER_BYTES = 8
export const RECORD_BYTES = 16
/** The mark was taken when a daemon started: its bytes were written while none ran, at or before `time` (and after the mark before). */
export const MARK_APPROX = 1

export interface Mark {
  offset: number
  time: number
  approx: boolean
}

export function indexPath(logPath: string): string {
  return `${logPath}.idx`
}

export function encodeHeader(): Buffer {
  const b = Buffer.alloc(HEADER_BYTES)
  INDEX_MAGIC.copy(b, 0)
  b[7] = INDEX_VERSION
  return b
}

export function encodeMark(m: Mark): Buffer {
  const b = Buffer.alloc(RECORD_BYTES)
  b.writeUIntLE(m.offset, 0, 6)
  b.writeUInt16LE(m.approx ? MARK_APPROX : 0, 6)
  b.writeDoubleLE(m.time, 8)
  return b
}

function decodeMark(b: Buffer, at: number): Mark {
  return { offset: b.readUIntLE(at, 6), approx: (b.readUInt16LE(at + 6) & MARK_APPROX) !== 0, time: b.readDoubleLE(at + 8) }
}

/** Why an index cannot be used: `orch logs` then falls back to the log file's own time. */
export class UnusableIndex extends Error {}

const BLOCK_RECORDS = 256

/**
 * Reads an index without loading it: marks are read in blocks of 256 around
 * where a binary search lands. A torn last record (the daemon died
 * mid-write) is ignored; a bad header, a mark past the end of the log (the
 * log was emptied behind the daemon's back) or a mark that cannot be a time
 * makes the index unusable (UnusableIndex).
 */
export class TimeIndexReader {
  readonly count: number
  private block: Buffer = Buffer.alloc(BLOCK_RECORDS * RECORD_BYTES)
  private blockStart = -1
  private blockCount = 0

  private constructor(
    private readonly fd: number,
    size: number,
    private readonly logSize: number,
  ) {
    this.count = Math.floor((size - HEADER_BYTES) / RECORD_BYTES)
  }

  /**
   * null when the log has no index (no daemon ever saw it grow). `logSize`
   * is asked for once the index's length is known: a mark the daemon
   * appends meanwhile, for bytes written since, is then not seen.
   */
  static open(logPath: string, logSize: () => number): TimeIndexReader | null {
    let fd: number
    try {
      fd = openSync(indexPath(logPath), 'r')
    } catch {
      return null
    }
    try {
      const size = fstatSync(fd).size
      const head = Buffer.alloc(HEADER_BYTES)
      if (size < HEADER_BYTES || readSync(fd, head, 0, HEADER_BYTES, 0) < HEADER_BYTES) throw new UnusableIndex('torn header')
      if (!head.subarray(0, 7).equals(INDEX_MAGIC)) throw new UnusableIndex('not an orch time index')
      if (head[7] !== INDEX_VERSION) throw new UnusableIndex(`index version ${head[7]}, this orch reads ${INDEX_VERSION}`)
      const reader = new TimeIndexReader(fd, size, logSize())
      if (reader.count > 0) reader.at(reader.count - 1) // a stale index ends past the log
      return reader
    } catch (err) {
      closeSync(fd)
      throw err
    }
  }

  close(): void {
    closeSync(this.fd)
  }

  at(i: number): Mark {
    if (i < this.blockStart || i >= this.blockStart + this.blockCount) {
      this.blockStart = Math.max(0, i - BLOCK_RECORDS / 2)
      const n = Math.min(BLOCK_RECORDS, this.count - this.blockStart)
      const got = readSync(this.fd, this.block, 0, n * RECORD_BYTES, HEADER_BYTES + this.blockStart * RECORD_BYTES)
      this.blockCount = Math.floor(got / RECORD_BYTES)
      if (i >= this.blockStart + this.blockCount) throw new UnusableIndex('index shorter than it was')
    }
    const m = decodeMark(this.block, (i - this.blockStart) * RECORD_BYTES)
    if (!Number.isFinite(m.time) || m.time <= 0) throw new UnusableIndex(`mark ${i} holds no time`)
    if (m.offset > this.logSize) throw new UnusableIndex('index ends past its log (emptied while no daemon ran?)')
    return m
  }

  /** The index of the first mark at or after `offset`, or `count` when none is. */
  firstAtOrAfter(offset: number): number {
    let lo = 0
    let hi = this.count
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if (this.at(mid).offset < offset) lo = mid + 1
      else hi = mid
    }
    return lo
  }

  /** The index of the first mark whose time is after `time`, or `count` when none is. */
  firstAfterTime(time: number): number {
    let lo = 0
    let hi = this.count
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if (this.at(mid).time <= time) lo = mid + 1
      else hi = mid
    }
    return lo
  }
}
