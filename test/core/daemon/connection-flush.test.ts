import { mkdtempSync, rmSync } from 'node:fs'
import { createServer, connect, type Server, type Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { Connection, LAZY_ANSWER_MS, flushConnections } from '../../../src/core/daemon/connection.js'
import { Turn } from '../../../src/agent/turn.js'

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
  s._write = (chunk, enc, cb) => {
    writes.push([String(chunk)])
    write(chunk, enc, cb)
  }
  s._writev = (chunks, cb) => {
    writes.push(chunks.map((c) => String(c.chunk)))
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

describe('agent: Turn', () => {
  it('runs every task asked for in one turn in one setImmediate callback, in order', async () => {
    const turn = new Turn()
    const ran: string[] = []
    let callbacks = 0
    const original = setImmediate
    turn.later(() => ran.push('acks'))
    turn.later(() => ran.push('sends'))
    expect(ran).toEqual([])
    await new Promise((r) => original(r))
    expect(ran).toEqual(['acks', 'sends'])
    turn.later(() => {
      callbacks++
      ran.push('next')
    })
    await new Promise((r) => original(r))
    expect(callbacks).toBe(1)
    expect(ran).toEqual(['acks', 'sends', 'next'])
  })
})

describe('agent: Turn, when a task throws', () => {
  it('still runs the others (a lost flush would leave its batch unsent for good), then throws the error', async () => {
    const turn = new Turn()
    const ran: string[] = []
    const thrown = new Promise<unknown>((resolve) => process.once('uncaughtException', resolve))
    turn.later(() => {
      throw new Error('acks broke')
    })
    turn.later(() => ran.push('sends'))
    expect(((await thrown) as Error).message).toBe('acks broke')
    expect(ran).toEqual(['sends'])
  })
})

describe('client: the calls of one callback leave in one write', () => {
  it('two requests made in one callback reach the daemon as one write (the SDK flushes its acks and sends in one callback)', async () => {
    const { DaemonClient } = await import('../../../src/core/client/daemon-client.js')
    // the peer socket of beforeEach is unused here: a client of its own
    peer.destroy()
    const accepted = new Promise<Socket>((resolve) => server.once('connection', resolve))
    const clientP = DaemonClient.connect(join(dir, 's.sock'))
    serverSide = await accepted
    // a daemon that answers every call
    serverSide.setEncoding('utf8')
    serverSide.on('data', (d: string) => {
      for (const line of d.split('\n').filter(Boolean)) {
        const { id, method } = JSON.parse(line) as { id: number; method: string }
        serverSide.write(`${JSON.stringify({ id, result: method === 'hello' ? { daemonPid: 1 } : { ok: true } })}\n`)
      }
    })
    const client = await clientP
    const s = (client as unknown as { socket: Socket }).socket
    let writeCalls = 0
    const w = s._write.bind(s)
    const wv = s._writev!.bind(s)
    s._write = (...a: Parameters<typeof w>) => {
      writeCalls++
      w(...a)
    }
    s._writev = (...a: Parameters<typeof wv>) => {
      writeCalls++
      wv(...a)
    }
    const answers = await new Promise<unknown[]>((resolve) =>
      setImmediate(() => void Promise.all([client.request('queue.ack', { ids: ['a'] }), client.request('queue.send', { to: 'b', type: 't' })]).then(resolve)),
    )
    expect(answers).toEqual([{ ok: true }, { ok: true }])
    expect(writeCalls).toBe(1)
    client.close()
  })
})
