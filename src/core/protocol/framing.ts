import { FrameTooLargeError } from '../errors/frame-too-large-error.js'

/** Largest frame (one JSON message plus its newline) either side accepts. */
export const MAX_FRAME_BYTES = 1024 * 1024

const NEWLINE = 0x0a
/** First allocation for a partial frame; it doubles as needed, up to the frame cap. */
const INITIAL_CAPACITY = 4096

export type FrameHandler = (line: string) => void
export type OversizeHandler = (err: FrameTooLargeError) => void

/**
 * Splits a byte stream into newline-delimited frames. It works on bytes:
 * 0x0A never occurs inside a UTF-8 sequence, so a chunk that ends inside a
 * multi-byte character needs no special care, and a line is decoded once,
 * whole. A partial frame lives in one buffer that grows by doubling up to the
 * cap, so it costs at most `maxBytes` however it is sliced (appending to a
 * string per chunk cost far more for a frame sent a byte at a time). A frame
 * over `maxBytes` is dropped up to its newline and reported once, so a hostile
 * peer cannot make us buffer without bound.
 */
export class FrameDecoder {
  private buffer: Buffer = Buffer.alloc(0)
  private length = 0
  private discarding = false

  constructor(
    private readonly onFrame: FrameHandler,
    private readonly onOversize: OversizeHandler,
    private readonly maxBytes = MAX_FRAME_BYTES,
  ) {}

  /** Bytes of an unfinished frame are waiting for the rest (or one is being skipped). */
  get partial(): boolean {
    return this.length > 0 || this.discarding
  }

  push(chunk: Buffer | string): void {
    let bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk
    while (bytes.length > 0) {
      const nl = bytes.indexOf(NEWLINE)
      const part = nl === -1 ? bytes : bytes.subarray(0, nl)
      bytes = nl === -1 ? bytes.subarray(bytes.length) : bytes.subarray(nl + 1)
      if (!this.discarding) this.append(part)
      if (nl === -1) break
      if (!this.discarding) {
        const line = this.buffer.toString('utf8', 0, this.length)
        if (line.trim().length > 0) this.onFrame(line)
      }
      this.reset()
    }
  }

  private append(part: Buffer): void {
    const needed = this.length + part.length
    if (needed >= this.maxBytes) {
      this.reset()
      this.discarding = true
      this.onOversize(new FrameTooLargeError(`frame larger than ${this.maxBytes} bytes; it was dropped`))
      return
    }
    if (needed > this.buffer.length) {
      const grown = Buffer.allocUnsafe(Math.min(this.maxBytes, Math.max(INITIAL_CAPACITY, needed * 2)))
      this.buffer.copy(grown, 0, 0, this.length)
      this.buffer = grown
    }
    part.copy(this.buffer, this.length)
    this.length = needed
  }

  /** After a frame: drop a big buffer rather than keep it for the life of the connection. */
  private reset(): void {
    this.length = 0
    this.discarding = false
    if (this.buffer.length > INITIAL_CAPACITY) this.buffer = Buffer.alloc(0)
  }
}

/** One frame: the JSON text and its terminating newline. */
/** A frame's size in bytes when it is over MAX_FRAME_BYTES, else 0 (UTF-8 is at most 3 bytes per UTF-16 unit: most frames need no count). */
export function bytesOverFrameLimit(text: string): number {
  if (text.length * 3 <= MAX_FRAME_BYTES) return 0
  const bytes = Buffer.byteLength(text)
  return bytes > MAX_FRAME_BYTES ? bytes : 0
}

export function encodeFrame(message: unknown): string {
  return `${JSON.stringify(message)}\n`
}
