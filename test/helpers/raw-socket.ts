import { connect, type Socket } from 'node:net'

/** A hostile or hand-written peer: raw bytes in, parsed frames out. */
export class RawPeer {
  private buffer = ''
  readonly frames: unknown[] = []
  /** for each frame, the number of the read (`data` event) that completed it: frames of one write share it */
  readonly chunkOf: number[] = []
  private chunks = 0
  private constructor(readonly socket: Socket) {
    socket.setEncoding('utf8')
    socket.on('data', (d: string) => {
      this.chunks++
      this.buffer += d
      let nl
      while ((nl = this.buffer.indexOf('\n')) >= 0) {
        const line = this.buffer.slice(0, nl)
        this.buffer = this.buffer.slice(nl + 1)
        this.frames.push(JSON.parse(line))
        this.chunkOf.push(this.chunks)
      }
    })
  }

  static open(path: string): Promise<RawPeer> {
    return new Promise((resolve, reject) => {
      const s = connect(path)
      s.once('error', reject)
      s.once('connect', () => resolve(new RawPeer(s)))
    })
  }

  write(text: string | Buffer): void {
    this.socket.write(text)
  }

  /** Waits for the n-th frame (1-based count of all frames received). */
  async next(count: number, timeoutMs = 5_000): Promise<Record<string, any>> {
    const deadline = Date.now() + timeoutMs
    while (this.frames.length < count) {
      if (Date.now() > deadline) throw new Error(`no frame #${count} within ${timeoutMs}ms; got ${JSON.stringify(this.frames)}`)
      await new Promise((r) => setTimeout(r, 5))
    }
    return this.frames[count - 1] as Record<string, any>
  }

  close(): void {
    this.socket.destroy()
  }
}
