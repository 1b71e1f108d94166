// What docs/protocol.md promises a client written from the page alone, checked on the raw socket of a real daemon.
import { describe, expect, it } from 'vitest'
import { PROTOCOL_VERSION } from '../../src/core/protocol/version.js'
import { useHomes, orch, orchJson, waitFor, writeConfig, type TestHome } from '../helpers/orch.js'
import { RawPeer } from '../helpers/raw-socket.js'

const home = useHomes()

type Frame = Record<string, any>

/** A hand-written client: one request at a time or many, answers matched by id, events kept. */
class Wire {
  private nextId = 1
  private constructor(readonly peer: RawPeer) {}

  static async open(t: TestHome, hello: Record<string, unknown> | null = { client: 'cli' }): Promise<Wire> {
    const w = new Wire(await RawPeer.open(t.paths.socket))
    if (hello) expect(await w.call('hello', { version: PROTOCOL_VERSION, ...hello })).toMatchObject({ result: { version: PROTOCOL_VERSION } })
    return w
  }

  /** Sends a request (params as an object, or as raw JSON text) and waits for its answer. */
  async call(method: string, params?: Record<string, unknown> | string): Promise<Frame> {
    const id = this.nextId++
    const p = params === undefined ? '' : `,"params":${typeof params === 'string' ? params : JSON.stringify(params)}`
    this.peer.write(`{"id":${id},"method":${JSON.stringify(method)}${p}}\n`)
    return this.answer(id)
  }

  answer(id: number | string | null, after = 0): Promise<Frame> {
    return waitFor(() => this.peer.frames.slice(after).find((f: any) => 'id' in f && f.id === id) as Frame | undefined, `the answer to ${id}`)
  }

  /** The n-th `message` event pushed here (1-based). */
  message(n: number): Promise<Frame> {
    return waitFor(() => (this.peer.frames.filter((f: any) => f.event === 'message')[n - 1] as Frame | undefined)?.data as Frame | undefined, `message event #${n}`)
  }

  close(): void {
    this.peer.close()
  }
}

/** A daemon with one external agent, `ext`: a test says hello as it without a token. */
async function daemonWithExt(): Promise<TestHome> {
  const t = home()
  await orchJson(['start', writeConfig(t, [{ name: 'ext', type: 'external' }])])
  return t
}

const code = (f: Frame): string | undefined => f.error?.code

describe('topic names', () => {
  it('one rule for subscribe, unsubscribe and topic:NAME sends; every bad name is E_INVALID_MESSAGE', async () => {
    const t = await daemonWithExt()
    const ext = await Wire.open(t, { client: 'agent', agent: 'ext' })
    const cli = await Wire.open(t)

    const bad = ['', '   ', ' news', 'news ', 'new s', 'tab\tbed', 'nul\u0000', 'news*', 'a>b', 'é', 'x'.repeat(257)]
    for (const name of bad) {
      expect(code(await ext.call('queue.subscribe', { topic: name })), `subscribe ${JSON.stringify(name)}`).toBe('E_INVALID_MESSAGE')
      expect(code(await ext.call('queue.subscribe', { topic: `topic:${name}` })), `subscribe topic:${JSON.stringify(name)}`).toBe('E_INVALID_MESSAGE')
      expect(code(await ext.call('queue.unsubscribe', { topic: name })), `unsubscribe ${JSON.stringify(name)}`).toBe('E_INVALID_MESSAGE')
      expect(code(await cli.call('queue.send', { to: `topic:${name}`, type: 't' })), `send to topic:${JSON.stringify(name)}`).toBe('E_INVALID_MESSAGE')
    }
    expect((await ext.call('queue.subscribe', { topic: '   ' })).error.message).toMatch(/bad topic name in "   ": a topic name is 1 to 256 characters/)
    // a topic param that is not a string is a malformed request, not a bad name
    expect(code(await ext.call('queue.subscribe', { topic: 42 }))).toBe('E_BAD_PARAMS')

    for (const name of ['news', 'team/build:done', 'a.b_c-d', 'x'.repeat(256)]) {
      expect(await ext.call('queue.subscribe', { topic: name }), name).toMatchObject({ result: { ok: true } })
      expect((await cli.call('queue.send', { to: `topic:${name}`, type: 't' })).result.ids, name).toHaveLength(1)
    }
    expect(await ext.call('queue.unsubscribe', { topic: 'topic:team/build:done' })).toMatchObject({ result: { ok: true } })
    expect(await cli.call('queue.send', { to: 'topic:team/build:done', type: 't' })).toMatchObject({ result: { ids: [] } })
    ext.close()
    cli.close()
  })
})

describe('listings', () => {
  it('queue.ls and queue.dead cut by bytes (UTF-8), keep exact counts, and page with offset and only', async () => {
    const t = await daemonWithExt()
    const cli = await Wire.open(t)
    // 240,000 bytes of JSON each but 120,002 UTF-16 units: six fit a budget counted in characters, and overflow the frame
    const payload = 'é'.repeat(120_000)
    const pending: string[] = []
    for (let i = 0; i < 6; i++) pending.push((await cli.call('queue.send', { to: 'ext', type: 'big', payload })).result.ids[0])
    const dead: string[] = []
    for (let i = 0; i < 5; i++) dead.push((await cli.call('queue.send', { to: 'ext', type: 'old', payload, ttl: 1 })).result.ids[0])
    await waitFor(async () => (await cli.call('queue.dead', { limit: 0 })).result.counts.dead === 5, 'five dead letters')

    const first = await cli.call('queue.ls', { agent: 'ext' })
    expect(first.error).toBeUndefined()
    expect(first.result.counts).toEqual({ pending: 6, inFlight: 0, dead: 5 })
    expect(first.result.pending.length).toBeGreaterThan(0)
    expect(first.result.pending.length).toBeLessThan(6)
    expect(first.result.truncated).toBe(true)

    /** Pages one list to its end: each page holds at least one message, so offset always moves on. */
    const pageAll = async (method: string, params: Record<string, unknown>, list: 'pending' | 'dead'): Promise<string[]> => {
      const ids: string[] = []
      for (let offset = 0, pages = 0; ; pages++) {
        const r = (await cli.call(method, { ...params, offset })).result
        expect(r.counts[list]).toBe(list === 'pending' ? 6 : 5)
        expect(r[list].length).toBeGreaterThan(0)
        ids.push(...r[list].map((m: Frame) => m.id))
        offset += r[list].length
        expect(r.truncated).toBe(offset < r.counts[list])
        if (!r.truncated) return ids
        expect(pages).toBeLessThan(6)
      }
    }
    expect(await pageAll('queue.ls', { agent: 'ext', only: 'pending' }, 'pending')).toEqual(pending)
    expect((await pageAll('queue.ls', { only: 'dead' }, 'dead')).sort()).toEqual([...dead].sort())
    const deadIds = await pageAll('queue.dead', {}, 'dead')
    expect([...deadIds].sort()).toEqual([...dead].sort())

    // only: the other lists come back empty, and do not count as cut
    const onlyDead = (await cli.call('queue.ls', { only: 'dead', offset: 4 })).result
    expect(onlyDead).toMatchObject({ counts: { pending: 6, dead: 5 }, pending: [], inFlight: [], truncated: false })
    expect(onlyDead.dead.map((m: Frame) => m.id)).toEqual([deadIds[4]])
    // limit: 0 answers the counts alone
    expect((await cli.call('queue.dead', { limit: 0 })).result).toEqual({ counts: { dead: 5 }, dead: [], truncated: true })
    expect((await cli.call('queue.dead', { offset: 5 })).result).toEqual({ counts: { dead: 5 }, dead: [], truncated: false })
    expect(code(await cli.call('queue.ls', { only: 'everything' }))).toBe('E_BAD_PARAMS')

    // the CLI says what it left out and how to see it; its --json stays the array of listed messages
    const shown = (await cli.call('queue.dead')).result.dead.length
    expect((await orch(['queue', 'dead'])).stdout).toContain(`… ${5 - shown} more not listed (see them with --offset ${shown})`)
    expect((await orchJson<Frame[]>(['queue', 'dead', '--offset', String(shown)])).map((m) => m.id)).toEqual(deadIds.slice(shown))
    expect((await orch(['queue', 'ls', 'ext', '--offset', '5'])).stdout).toMatch(/^pending \(6\) from row 6$/m)
    cli.close()
  })
})

describe('the frame cap', () => {
  it('takes 1,048,575 bytes of JSON plus its newline, and refuses one byte more with E_FRAME_TOO_LARGE and id null', async () => {
    const t = await daemonWithExt()
    const cli = await Wire.open(t)
    const frameOf = (id: number, jsonBytes: number): string => {
      const head = `{"id":${id},"method":"daemon.status","params":{"pad":"`
      const tail = '"}}'
      return `${head}${'x'.repeat(jsonBytes - head.length - tail.length)}${tail}\n`
    }
    const fits = frameOf(101, 1_048_575)
    expect(Buffer.byteLength(fits)).toBe(1_048_576)
    cli.peer.write(fits)
    expect(await cli.answer(101)).toMatchObject({ result: { pid: expect.any(Number) } })

    const before = cli.peer.frames.length
    const over = frameOf(102, 1_048_576)
    expect(Buffer.byteLength(over)).toBe(1_048_577)
    cli.peer.write(over)
    expect(await cli.answer(null, before)).toMatchObject({ id: null, error: { code: 'E_FRAME_TOO_LARGE' } })
    // dropped whole: no answer for its id, and the connection goes on
    expect(await cli.call('daemon.status')).toMatchObject({ result: { pid: expect.any(Number) } })
    expect(cli.peer.frames.some((f: any) => f.id === 102)).toBe(false)
    cli.close()
  })
})

describe('ttl and a failed delivery', () => {
  it('a nack before the ttl requeues; a nack after it dead-letters at once, keeping the nack reason', async () => {
    const t = await daemonWithExt()
    const ext = await Wire.open(t, { client: 'agent', agent: 'ext' })
    const cli = await Wire.open(t)
    expect(await ext.call('queue.consume')).toMatchObject({ result: { ok: true, id: 'ext' } })

    const [young] = (await cli.call('queue.send', { to: 'ext', type: 'young', ttl: 60_000 })).result.ids
    expect((await ext.message(1)).id).toBe(young)
    expect(await ext.call('queue.nack', { id: young, error: 'try again' })).toMatchObject({ result: { ok: true } })
    expect(await ext.message(2)).toMatchObject({ id: young, attempts: 1, lastError: 'try again' })
    expect(await ext.call('queue.ack', { id: young })).toMatchObject({ result: { ok: true } })

    const [old] = (await cli.call('queue.send', { to: 'ext', type: 'old', ttl: 300 })).result.ids
    const m = await ext.message(3)
    expect(m.id).toBe(old)
    // leased, it does not expire: its ttl passes while the handler works
    await waitFor(() => Date.now() > m.expiresAt + 50, 'the ttl to pass')
    expect(await ext.call('queue.nack', { id: old, error: 'boom' })).toMatchObject({ result: { ok: true } })
    const { result } = await cli.call('queue.ls', { agent: 'ext' })
    expect(result.counts).toEqual({ pending: 0, inFlight: 0, dead: 1 })
    expect(result.dead).toEqual([expect.objectContaining({ id: old, attempts: 1, lastError: 'expired (ttl); last delivery failed: boom', deadAt: expect.any(Number) })])
    ext.close()
    cli.close()
  })
})

describe('null in params', () => {
  it('an optional param given null is absent; a JSON-valued one keeps null; a required one given null is refused', async () => {
    const t = await daemonWithExt()
    const cli = await Wire.open(t, { client: 'cli', agent: null, token: null, pid: null })
    const unset = { priority: null, correlationId: null, replyTo: null, inReplyTo: null, hops: null, delay: null, ttl: null, lease: null, key: null }
    const sent = await cli.call('queue.send', { to: 'ext', type: 't', payload: null, ...unset })
    expect(sent).toMatchObject({ result: { ids: [expect.any(String)] } })
    const many = await cli.call('queue.sendMany', { messages: [{ to: 'ext', type: 'u', payload: { a: null }, ...unset }] })
    expect(many).toMatchObject({ result: { results: [{ ids: [expect.any(String)] }] } })

    const ls = await cli.call('queue.ls', { agent: 'ext', limit: null, offset: null, only: null })
    const [first, second] = ls.result.pending
    expect(first).toEqual({ id: sent.result.ids[0], from: 'cli', to: 'ext', type: 't', priority: 0, payload: null, hops: 0, attempts: 0, createdAt: expect.any(Number) })
    expect(second).toMatchObject({ type: 'u', payload: { a: null }, priority: 0 })
    expect(second).not.toHaveProperty('correlationId')

    expect(await cli.call('queue.send', { to: null, type: 't' })).toMatchObject({
      error: { code: 'E_BAD_PARAMS', message: expect.stringMatching(/'to' must be a non-empty string, got null/) },
    })
    expect(await cli.call('queue.sendMany', { messages: [{ to: 'ext', type: null }] })).toMatchObject({
      result: { results: [{ error: { code: 'E_BAD_PARAMS' } }] },
    })
    cli.close()
  })
})

describe('integers', () => {
  it('a priority is a safe integer, ±(2^53 - 1); anything else is E_BAD_PARAMS', async () => {
    const t = await daemonWithExt()
    const cli = await Wire.open(t)
    for (const p of ['9007199254740991', '-9007199254740991', '0', '-5']) {
      expect(await cli.call('queue.send', `{"to":"ext","type":"t","priority":${p}}`), p).toMatchObject({ result: { ids: [expect.any(String)] } })
    }
    for (const p of ['9007199254740992', '9007199254740993', '-9007199254740992', '1e300', '1.5', '"1"']) {
      const r = await cli.call('queue.send', `{"to":"ext","type":"t","priority":${p}}`)
      expect(r, p).toMatchObject({ error: { code: 'E_BAD_PARAMS', data: { problems: [{ field: 'priority' }] } } })
    }
    expect((await cli.call('queue.send', '{"to":"ext","type":"t","priority":9007199254740992}')).error.message).toMatch(
      /'priority' must be a whole number from -9007199254740991 to 9007199254740991, got 9007199254740992/,
    )
    const { pending } = (await cli.call('queue.ls', { agent: 'ext' })).result
    expect(pending.map((m: Frame) => m.priority)).toEqual([9007199254740991, 0, -5, -9007199254740991])
    cli.close()
  })
})

describe('hello', () => {
  it('is said once per connection: a second one is E_PROTOCOL and changes nothing; a failed one may be retried', async () => {
    const t = await daemonWithExt()
    const fresh = await Wire.open(t, null)
    expect(await fresh.call('hello', { version: PROTOCOL_VERSION + 1, client: 'cli' })).toMatchObject({
      error: { code: 'E_VERSION_MISMATCH', data: { daemon: PROTOCOL_VERSION, client: PROTOCOL_VERSION + 1 } },
    })
    expect(await fresh.call('hello', { version: PROTOCOL_VERSION, client: 'cli' })).toMatchObject({ result: { version: PROTOCOL_VERSION } })
    expect(await fresh.call('hello', { version: PROTOCOL_VERSION, client: 'agent', agent: 'ext' })).toMatchObject({
      error: { code: 'E_PROTOCOL', message: expect.stringMatching(/already said hello, as 'cli'/) },
    })
    // still a CLI
    expect(code(await fresh.call('queue.subscribe', { topic: 'news' }))).toBe('E_NOT_AN_AGENT')

    const ext = await Wire.open(t, { client: 'agent', agent: 'ext' })
    expect(await ext.call('queue.consume')).toMatchObject({ result: { id: 'ext' } })
    const [id] = (await fresh.call('queue.send', { to: 'ext', type: 't' })).result.ids
    expect((await ext.message(1)).id).toBe(id)
    for (const again of [{ client: 'cli' }, { client: 'agent', agent: 'ext' }]) {
      expect(await ext.call('hello', { version: PROTOCOL_VERSION, ...again })).toMatchObject({
        error: { code: 'E_PROTOCOL', message: expect.stringMatching(/already said hello, as agent 'ext'/) },
      })
    }
    // the lease is still ext's, and acked as ext
    expect(await ext.call('queue.ack', { id })).toMatchObject({ result: { ok: true } })
    expect((await fresh.call('queue.ls', { agent: 'ext' })).result.counts).toEqual({ pending: 0, inFlight: 0, dead: 0 })
    fresh.close()
    ext.close()
  })
})

describe('when answers come', () => {
  it("an agent's ack is answered with the next frame sent to it (first, in order), or on its own shortly after", async () => {
    const t = await daemonWithExt()
    const ext = await Wire.open(t, { client: 'agent', agent: 'ext' })
    const cli = await Wire.open(t)
    expect(await ext.call('queue.consume', {})).toMatchObject({ result: {} })
    await cli.call('queue.send', { to: 'ext', type: 'a' })
    const a = await ext.message(1)

    // ack, then (before its answer could be needed) another message for this agent
    const before = ext.peer.frames.length
    ext.peer.write(`{"id":"ack-a","method":"queue.ack","params":{"id":${JSON.stringify(a.id)}}}\n`)
    await waitFor(async () => (await cli.call('queue.ls', { agent: 'ext' })).result.inFlight.length === 0 || undefined, 'the ack taken')
    await cli.call('queue.send', { to: 'ext', type: 'b' })
    await ext.message(2)
    const after = ext.peer.frames.slice(before) as Frame[]
    const ackAt = after.findIndex((f) => f.id === 'ack-a')
    const bAt = after.findIndex((f) => f.event === 'message')
    expect(after[ackAt]).toEqual({ id: 'ack-a', result: { ok: true } })
    expect(ackAt).toBeLessThan(bAt)

    // nothing else to send: the answer still comes
    const b = await ext.message(2)
    expect(await ext.call('queue.ack', { id: b.id })).toEqual({ id: expect.any(Number), result: { ok: true } })
    ext.close()
    cli.close()
  })

  it("an agent's request (a send naming replyTo) is answered ahead of its reply, or on its own shortly after; a plain send and an error at once", async () => {
    const t = home()
    // held for up to 2 s instead of 5 ms, so that a slow test machine still sees the answer wait for the reply
    process.env.ORCH_LAZY_ANSWER_MS = '2000'
    try {
      await orchJson(['start', writeConfig(t, [{ name: 'asker', type: 'external' }, { name: 'helper', type: 'external' }])])
    } finally {
      delete process.env.ORCH_LAZY_ANSWER_MS
    }
    const asker = await Wire.open(t, { client: 'agent', agent: 'asker' })
    const helper = await Wire.open(t, { client: 'agent', agent: 'helper' })
    for (const w of [asker, helper]) expect(await w.call('queue.consume', {})).toMatchObject({ result: {} })

    asker.peer.write('{"id":"req","method":"queue.send","params":{"to":"helper","type":"ask","replyTo":"asker","payload":1}}\n')
    const req = await helper.message(1)
    expect(req).toMatchObject({ type: 'ask', replyTo: 'asker' })
    expect(await helper.call('queue.send', { to: 'asker', type: 'ask.reply', inReplyTo: req.id, payload: 2 })).toMatchObject({ result: { ids: [expect.any(String)] } })
    await asker.message(1)
    const frames = asker.peer.frames as Frame[]
    const answerAt = frames.findIndex((f) => f.id === 'req')
    const replyAt = frames.findIndex((f) => f.event === 'message')
    expect(frames[answerAt]).toEqual({ id: 'req', result: { ids: [req.id] } })
    // held until the reply, then written with it: one write, one wake-up of the asker
    expect(answerAt).toBe(replyAt - 1)
    expect(asker.peer.chunkOf[answerAt]).toBe(asker.peer.chunkOf[replyAt])

    // no reply comes: the answer still does
    asker.peer.write('{"id":"req2","method":"queue.send","params":{"to":"helper","type":"ask","replyTo":"asker"}}\n')
    await waitFor(() => (asker.peer.frames as Frame[]).find((f) => f.id === 'req2'), 'the answer of a request nobody replied to')
    // a plain send, and a request that fails
    expect(await asker.call('queue.send', { to: 'helper', type: 'note' })).toMatchObject({ result: { ids: [expect.any(String)] } })
    expect(code(await asker.call('queue.send', { to: 'nobody', type: 'ask', replyTo: 'asker' }))).toBe('E_UNKNOWN_RECIPIENT')
    asker.close()
    helper.close()
  })
})
