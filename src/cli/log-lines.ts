/**
 * Lines of agent output as `orch logs` shows them: an agent can write one
 * line of 50 MB (a payload dumped without a newline), so a line is cut to
 * its first MAX_LINE_BYTES for display, and says how much was cut.
 */
export const MAX_LINE_BYTES = 16 * 1024

/** How long a prefix of `buf` ends on a whole UTF-8 character: a cut must not leave half of one. */
function wholeCharsLength(buf: Buffer): number {
  for (let i = buf.length - 1, back = 1; i >= 0 && back <= 4; i--, back++) {
    const b = buf[i]!
    if ((b & 0xc0) === 0x80) continue // a continuation byte: its lead is further back
    const width = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1
    return back >= width ? buf.length : i
  }
  return buf.length
}

/** The text to show for a line whose first bytes are `head` (at most MAX_LINE_BYTES) and whose other `cut` bytes were not kept. */
export function displayLine(head: Buffer, cut: number): { line: string; cut?: number } {
  if (cut === 0) {
    // a CRLF file: the CR belongs to the line ending, not to the text
    const end = head.length > 0 && head[head.length - 1] === 0x0d ? head.length - 1 : head.length
    return { line: head.toString('utf8', 0, end) }
  }
  const keep = wholeCharsLength(head)
  const total = cut + head.length - keep
  return { line: `${head.toString('utf8', 0, keep)} … [${total} bytes cut]`, cut: total }
}

/**
 * Splits a stream of bytes into display lines, keeping at most
 * MAX_LINE_BYTES of the line under way whatever its length.
 */
export class LineCutter {
  private head: Buffer[] = []
  private headBytes = 0
  private cut = 0

  /** Feeds `chunk`; `emit` hears each line it completes. */
  push(chunk: Buffer, emit: (l: { line: string; cut?: number }) => void): void {
    let from = 0
    for (;;) {
      const nl = chunk.indexOf(0x0a, from)
      this.take(chunk.subarray(from, nl === -1 ? chunk.length : nl))
      if (nl === -1) return
      emit(this.flush())
      from = nl + 1
    }
  }

  private take(piece: Buffer): void {
    const room = Math.max(0, MAX_LINE_BYTES - this.headBytes)
    if (room > 0 && piece.length > 0) {
      const kept = piece.subarray(0, room)
      // a copy: the chunk is a reused read buffer
      this.head.push(Buffer.from(kept))
      this.headBytes += kept.length
    }
    this.cut += Math.max(0, piece.length - room)
  }

  private flush(): { line: string; cut?: number } {
    const l = displayLine(Buffer.concat(this.head, this.headBytes), this.cut)
    this.head = []
    this.headBytes = 0
    this.cut = 0
    return l
  }
}
