import type { Socket } from 'node:net'
import { encodeFrame } from '../protocol/framing.js'
import type { EventFrame, ResponseFrame } from '../protocol/frames.js'

let nextId = 1

/** One client of the daemon: a CLI call or an agent. */
export class Connection {
  readonly id = nextId++
  /** set by hello */
  client: 'cli' | 'agent' | null = null
  /** the agent instance id, for agent connections */
  agent: string | null = null
  /** set by queue.consume: messages are pushed to this connection */
  consuming = false
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

  send(frame: ResponseFrame | EventFrame): boolean {
    if (this.socket.destroyed) return false
    return this.socket.write(encodeFrame(frame))
  }
}
