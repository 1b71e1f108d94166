import type { IncomingMessage, ServerResponse } from 'node:http'

/** Past this many bytes waiting to be written, a client that does not read is dropped (it reconnects and gets a fresh snapshot). */
const MAX_BUFFERED_BYTES = 4 * 1024 * 1024
/** A comment line now and then, so proxies and tunnels keep the stream open and a dead peer is noticed. */
const KEEPALIVE_MS = 15_000

/** One Server-Sent Events stream to a page. */
export class SseStream {
  private closed = false
  private readonly keepalive: NodeJS.Timeout
  private readonly onClose: Array<() => void> = []

  constructor(
    req: IncomingMessage,
    private readonly res: ServerResponse,
  ) {
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', 'x-accel-buffering': 'no' })
    res.flushHeaders()
    this.keepalive = setInterval(() => this.write(': keepalive\n\n'), KEEPALIVE_MS)
    this.keepalive.unref()
    req.on('close', () => this.close())
    res.on('error', () => this.close())
  }

  get isClosed(): boolean {
    return this.closed
  }

  /** Called once, when the page goes away or the stream is closed. */
  whenClosed(fn: () => void): void {
    if (this.closed) fn()
    else this.onClose.push(fn)
  }

  send(event: string, data: unknown): void {
    this.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`)
  }

  private write(text: string): void {
    if (this.closed) return
    if (this.res.writableLength > MAX_BUFFERED_BYTES) {
      this.close()
      return
    }
    this.res.write(text)
  }

  close(): void {
    if (this.closed) return
    this.closed = true
    clearInterval(this.keepalive)
    this.res.end()
    for (const fn of this.onClose.splice(0)) fn()
  }
}
