import type { Socket } from 'node:net'
import { ErrorCode } from '../errors/codes.js'
import type { Logger } from '../log/logger.js'
import { MAX_FRAME_BYTES, bytesOverFrameLimit, encodeFrame } from '../protocol/framing.js'
import type { EventFrame, ResponseFrame } from '../protocol/frames.js'
import type { Recipient } from '../queue/queue-options.js'

/** Unsent output past which we stop reading a connection's requests until it reads its answers. */
export const OUTPUT_PAUSE_BYTES = 1024 * 1024
/** Unsent output past which the connection is dropped: its peer is not reading (pushed events keep coming while paused). */
export const OUTPUT_DROP_BYTES = 32 * 1024 * 1024

let nextId = 1

/** An answer nobody waits on (an agent's ack or request) waits at most this long for a write to carry it; ORCH_LAZY_ANSWER_MS overrides it. */
export const LAZY_ANSWER_MS = 5

/**
 * When a written frame leaves. A write is a system call, and one that wakes
 * a sleeping peer costs it a wake-up and a read too, so frames wait for
 * company as long as that costs no one anything (fewer system calls per
 * message on both sides: docs/benchmarks.md):
 * - `now`: deliveries, before this tick's disk write (the send that made
 *   them is being stored meanwhile: early dispatch);
 * - `turn`: answers and events, at the end of this turn of the event loop,
 *   after every frame read in it was handled and the group commit's write
 *   answered (an agent's ack and next send get their answers in one write);
 * - `lazy`: answers nobody waits on, with the connection's next write or
 *   after LAZY_ANSWER_MS.
 */
export type Urgency = 'now' | 'turn' | 'lazy'

/** Connections holding output for the end of this turn. */
const holding = new Set<Connection>()
let flushScheduled = false

/** Writes out what every connection holds. Called once per loop turn, and before connections are closed on purpose. */
export function flushConnections(): void {
  flushScheduled = false
  for (const conn of holding) conn.flush()
  holding.clear()
}

/**
 * One client of the daemon: a CLI call or an agent. It owns the backpressure
 * of its socket: a peer that sends requests without reading the answers
 * would otherwise make the daemon buffer every answer (546 MB for 800 of
 * them, measured). Past OUTPUT_PAUSE_BYTES of unsent output we stop reading
 * its socket and hold the frames already read, until the output drains.
 */
export class Connection {
  readonly id = nextId++
  /** set by hello */
  client: 'cli' | 'agent' | null = null
  /** the agent instance id, for agent connections */
  agent: string | null = null
  /** the token an agent connection said hello with: tells a reload's new process from the old one (both have the instance's id) */
  token: string | null = null
  /** set by queue.consume: messages are pushed to this connection through it */
  recipient: Recipient | null = null
  /** accepted past the connection limit, into the slots kept for the CLI: it may not say hello as an agent */
  reserved = false
  private closeHandlers: Array<() => void> = []
  private paused = false
  /** frames read while paused (at most one read's worth: the socket is paused too) */
  private held: string[] = []
  private flushNow = false
  private lazyTimer: NodeJS.Timeout | undefined
  /** frames held for the next write, and their length in characters */
  private out: string[] = []
  private outChars = 0

  constructor(
    readonly socket: Socket,
    private readonly handle: (conn: Connection, line: string) => void,
    private readonly log?: Logger,
    private readonly lazyAnswerMs = LAZY_ANSWER_MS,
  ) {
    socket.once('close', () => {
      clearTimeout(this.lazyTimer)
      this.held = []
      this.out = []
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

  /** A decoded frame: handled now, or held while the peer does not read its answers. */
  receive(line: string): void {
    if (this.paused) this.held.push(line)
    else this.handle(this, line)
  }

  /** Writes a frame; it leaves as `when` says (see Urgency), with whatever else is held by then: one syscall for many frames. */
  send(frame: ResponseFrame | EventFrame, when: Urgency = 'turn'): void {
    if (!('id' in frame)) return this.sendEncoded(encodeFrame(frame), frame.event, when)
    if (this.socket.destroyed) return
    let text = encodeFrame(frame)
    const bytes = bytesOverFrameLimit(text)
    // The peer would drop it unread and wait for an answer forever: answer what happened instead.
    if (bytes > 0) text = encodeFrame(oversizeAnswer(frame.id, bytes))
    this.write(text, when)
  }

  /** An event frame already encoded (a line): dropped with a warning when over the frame limit (its peer would drop it unread). */
  sendEncoded(text: string, event: string, when: Urgency = 'turn'): void {
    if (this.socket.destroyed) return
    const bytes = bytesOverFrameLimit(text)
    if (bytes > 0) {
      this.log?.warn('event over the frame limit not sent', { connection: this.id, event, bytes })
      return
    }
    this.write(text, when)
  }

  /** Ends the connection after what it holds and what was written. */
  end(): void {
    this.flush()
    closeGently(this.socket)
  }

  /** Writes out everything held, in one write. */
  flush(): void {
    if (this.lazyTimer !== undefined) {
      clearTimeout(this.lazyTimer)
      this.lazyTimer = undefined
    }
    if (this.out.length === 0 || this.socket.destroyed) return
    // one string, not a corked write per frame: the socket's per-chunk bookkeeping and writev cost
    // the daemon ~4x the CPU of joining (50 frames: 27 against 7 µs here, docs/benchmarks.md)
    const text = this.out.length === 1 ? this.out[0]! : this.out.join('')
    this.out = []
    this.outChars = 0
    this.socket.write(text)
  }

  private write(text: string, when: Urgency): void {
    this.out.push(text)
    this.outChars += text.length
    if (when === 'now') {
      if (!this.flushNow) {
        this.flushNow = true
        process.nextTick(() => {
          this.flushNow = false
          this.flush()
        })
      }
    } else if (when === 'turn') {
      holding.add(this)
      if (!flushScheduled) {
        flushScheduled = true
        setImmediate(flushConnections)
      }
    } else {
      this.lazyTimer ??= setTimeout(() => {
        this.lazyTimer = undefined
        this.flush()
      }, this.lazyAnswerMs)
    }
    this.checkOutput()
  }

  private checkOutput(): void {
    // held frames count in characters: as many bytes for the ASCII that JSON mostly is
    const unsent = this.socket.writableLength + this.outChars
    if (unsent > OUTPUT_DROP_BYTES) {
      this.log?.warn('dropping a connection that does not read what the daemon sends', { connection: this.id, agent: this.agent, unsentBytes: unsent })
      this.socket.destroy()
    } else if (unsent > OUTPUT_PAUSE_BYTES && !this.paused) {
      // the held frames go out as one write over the high-water mark, so 'drain' comes once they are all sent
      this.paused = true
      this.socket.pause()
      this.socket.once('drain', () => this.resume())
    }
  }

  private resume(): void {
    this.paused = false
    while (!this.paused && this.held.length > 0 && !this.socket.destroyed) this.handle(this, this.held.shift()!)
    if (!this.paused && !this.socket.destroyed) this.socket.resume()
  }
}

/** Ends a socket after what was written; a peer that does not read it is cut off shortly after. */
export function closeGently(socket: Socket): void {
  socket.end()
  setTimeout(() => socket.destroy(), 1_000).unref()
}

function oversizeAnswer(id: number | string | null, bytes: number): ResponseFrame {
  return {
    id,
    error: {
      code: ErrorCode.FRAME_TOO_LARGE,
      message: `the answer is ${bytes} bytes, over the ${MAX_FRAME_BYTES}-byte frame limit; the request itself succeeded: ask for less at once (e.g. a smaller limit)`,
      data: { bytes, limit: MAX_FRAME_BYTES, succeeded: true },
    },
  }
}
