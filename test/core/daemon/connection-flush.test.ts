import { mkdtempSync, rmSync } from 'node:fs'
import { createServer, connect, type Server, type Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { Connection, LAZY_ANSWER_MS, flushConnections } from '../../../src/core/daemon/connection.js'

/**
 * When the daemon's frames leave (Urgency): each write that wakes a peer
 * costs ~100 µs here, so frames wait for company. These tests count the
 * socket's writes (its _write/_writev calls) on a real Unix socket.
 */
const nextImmediate = (): Promise<void> => new Promise((r) => setImmediate(r))
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

let dir: string
let server: Server
let serverSide: Socket
let peer: Socket
let conn: Connection
/** what each write of the daemon's side carried */
let writes: string[][]

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'orch-flush-'))
  const path = join(dir, 's.sock')
  const accepted = new Promise<Socket>((resolve) => {
    server = createServer(resolve)
  })
  await new Promise<void>((r) => server.listen(path, r))
  peer = connect(path)
  serverSide = await accepted
  writes = []
  const s = serverSide as unknown as {
    _write: (chunk: Buffer | string, enc: string, cb: () => void) => void
    _writev: (chunks: Array<{ chunk: Buffer | string }>, cb: () => void) => void
  }
  const write = s._write.bind(s)
  const writev = s._writev.bind(s)
  // the frames a write carried, one per line
  const frames = (text: string): string[] => text.split(/(?<=\n)/)
  s._write = (chunk, enc, cb) => {
    writes.push(frames(String(chunk)))
    write(chunk, enc, cb)
  }
  s._writev = (chunks, cb) => {
    writes.push(chunks.flatMap((c) => frames(String(c.chunk))))
    writev(chunks, cb)
  }
  conn = new Connection(serverSide, () => {})
})

afterEach(async () => {
  peer.destroy()
  serverSide.destroy()
  await new Promise((r) => server.close(r))
  rmSync(dir, { recursive: true, force: true })
})

const answer = (id: number) => ({ id, result: { ok: true } })

describe('daemon connection: when frames leave', () => {
  it("'turn': the frames of one turn leave together in one write, at its end", async () => {
    conn.send(answer(1))
    conn.send(answer(2))
    conn.send({ event: 'x', data: {} })
    await Promise.resolve()
    expect(writes).toEqual([])
    await nextImmediate()
    expect(writes).toHaveLength(1)
    expect(writes[0]!.map((f) => JSON.parse(f))).toEqual([answer(1), answer(2), { event: 'x', data: {} }])
  })

  it("'now' (a delivery): leaves before this tick's promises run — before the disk write of the send that made it — taking what was held", async () => {
    let seenByMicrotask = -1
    // as in the daemon: from a socket's callback (a macrotask), the send's store write being a promise job
    await new Promise<void>((done) =>
      setImmediate(() => {
        conn.send(answer(1))
        conn.sendEncoded('{"event":"message","data":{}}\n', 'message', 'now')
        queueMicrotask(() => {
          seenByMicrotask = writes.length
          done()
        })
      }),
    )
    await nextImmediate()
    expect(seenByMicrotask).toBe(1)
    expect(writes).toHaveLength(1)
    expect(writes[0]).toHaveLength(2)
  })

  it("'lazy' (an agent's ack answer): waits for the connection's next write and leaves with it, in order", async () => {
    conn.send(answer(1), 'lazy')
    await nextImmediate()
    expect(writes).toEqual([])
    conn.sendEncoded('{"event":"message","data":{}}\n', 'message', 'now')
    await nextImmediate()
    expect(writes).toHaveLength(1)
    expect(writes[0]!.map((f) => JSON.parse(f))).toEqual([answer(1), { event: 'message', data: {} }])
  })

  it("'lazy' alone still leaves, LAZY_ANSWER_MS later", async () => {
    conn.send(answer(7), 'lazy')
    await sleep(LAZY_ANSWER_MS * 10)
    expect(writes.flat().map((f) => JSON.parse(f))).toEqual([answer(7)])
  })

  it('flushConnections (before a shutdown closes the sockets) writes out everything held at once', () => {
    conn.send(answer(1))
    conn.send(answer(2), 'lazy')
    flushConnections()
    expect(writes.flat().map((f) => JSON.parse(f))).toEqual([answer(1), answer(2)])
  })
})
