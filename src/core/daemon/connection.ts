import type { Socket } from 'node:net'
import { encodeFrame } from '../protocol/framing.js'
import type { EventFrame, ResponseFrame } from '../protocol/frames.js'
import type { Recipient } from '../queue/queue-options.js'

let nextId = 1

/** One client of the daemon: a CLI call or an agent. */
export class Connection {
  readonly id = nextId++
  /** set by hello */
  client: 'cli' | 'agent' | null = null
  /** the agent instance id, for agent connections */
  agent: string | null = null
  /** set by queue.consume: messages are pushed to this connection through it */
  recipient: Recipient | null = null
  private closeHandlers: Array<() => void> = []

  constructor(readonly socket: Socket) {
    socket.once('close', () => {
      for (const fn of this.closeHandlers) fn()
      this.closeHandlers = []
    })
  }

  get closed(): boolean {
    return this.socket.destroyed
  }

  onClose(fn: () => void): void {
    this.closeHandlers.push(fn)
  }

  /**
   * Writes a frame. Frames of one tick leave in one write: the socket is
   * corked until the next tick, so a group commit that answers hundreds of
   * sends, or a refill of 64 deliveries, costs one syscall, not hundreds.
   */
  send(frame: ResponseFrame | EventFrame): boolean {
    const { socket } = this
    if (socket.destroyed) return false
    if (socket.writableCorked === 0) {
      socket.cork()
      process.nextTick(() => socket.uncork())
    }
    return socket.write(encodeFrame(frame))
  }
}
