/**
 * Lines waiting for the history's next write, as UTF-8 bytes outside the
 * JavaScript heap. Held as strings (each one a rope of a dozen pieces until
 * it is joined), 50 ms of lines survive every young-generation collection
 * and are copied by it: that doubled the daemon's scavenge time in a burst.
 * Copied in here at once, a line's string dies young.
 */
export class LineBuffer {
  private buf = Buffer.allocUnsafe(64 * 1024)
  private used = 0
  /** lines held */
  lines = 0

  push(line: string): void {
    // a UTF-8 byte count is at most 3 per UTF-16 unit, plus the newline
    const room = line.length * 3 + 1
    if (this.used + room > this.buf.length) this.grow(this.used + room)
    this.used += this.buf.write(line, this.used, 'utf8')
    this.buf[this.used++] = 0x0a
    this.lines++
  }

  /** The bytes held (a copy), and empty again. */
  take(): Buffer {
    const out = Buffer.from(this.buf.subarray(0, this.used))
    this.clear()
    return out
  }

  clear(): void {
    this.used = 0
    this.lines = 0
    // a burst's big buffer is not kept for ever
    if (this.buf.length > 1024 * 1024) this.buf = Buffer.allocUnsafe(64 * 1024)
  }

  private grow(needed: number): void {
    const next = Buffer.allocUnsafe(Math.max(needed, this.buf.length * 2))
    this.buf.copy(next, 0, 0, this.used)
    this.buf = next
  }
}
