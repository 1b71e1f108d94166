import { StringDecoder } from 'node:string_decoder'
import { FrameTooLargeError } from '../errors/frame-too-large-error.js'

/** Largest frame (one JSON message plus its newline) either side accepts. */
export const MAX_FRAME_BYTES = 1024 * 1024

export type FrameHandler = (line: string) => void
export type OversizeHandler = (err: FrameTooLargeError) => void

/**
 * Splits a byte stream into newline-delimited frames. Chunks may end inside a
 * frame or inside a multi-byte character; the StringDecoder keeps the partial
 * bytes. A frame over `maxBytes` is dropped up to its newline and reported
 * once, so a hostile peer cannot make us buffer without bound.
 */
export class FrameDecoder {
  private readonly decoder = new StringDecoder('utf8')
  private buffer = ''
  private bufferBytes = 0
  private discarding = false

  constructor(
    private readonly onFrame: FrameHandler,
    private readonly onOversize: OversizeHandler,
    private readonly maxBytes = MAX_FRAME_BYTES,
  ) {}

  push(chunk: Buffer | string): void {
    let text = typeof chunk === 'string' ? chunk : this.decoder.write(chunk)
    while (text.length > 0) {
      const nl = text.indexOf('\n')
      const part = nl === -1 ? text : text.slice(0, nl)
      text = nl === -1 ? '' : text.slice(nl + 1)
      if (!this.discarding) {
        this.bufferBytes += Buffer.byteLength(part)
        if (this.bufferBytes >= this.maxBytes) {
          this.discarding = true
          this.buffer = ''
          this.onOversize(new FrameTooLargeError(`frame larger than ${this.maxBytes} bytes; it was dropped`))
        } else {
          this.buffer += part
        }
      }
      if (nl === -1) break
      if (!this.discarding && this.buffer.trim().length > 0) this.onFrame(this.buffer)
      this.buffer = ''
      this.bufferBytes = 0
      this.discarding = false
    }
  }
}

/** One frame: the JSON text and its terminating newline. */
export function encodeFrame(message: unknown): string {
  return `${JSON.stringify(message)}\n`
}
