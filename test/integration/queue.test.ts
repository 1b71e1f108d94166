import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { DaemonClient } from '../../src/core/client/daemon-client.js'
import { PROTOCOL_VERSION } from '../../src/core/protocol/version.js'
import type { AgentInfo, QueueListingResult, WireMessage } from '../../src/core/protocol/types.js'
import { useHomes, fixture, makeHome, orch, orchJson, waitFor, writeConfig, type TestHome } from '../helpers/orch.js'
import { RawPeer } from '../helpers/raw-socket.js'

const home = useHomes()

interface Received {
  agent: string
  pid?: number
  id: string
  from?: string
  type: string
  priority?: number
  payload?: any
  attempts: number
}

/** The JSON lines a q-* fixture appended, in the order it received them. */
const received = (file: string): Received[] =>
  existsSync(file)
    ? readFileSync(file, 'utf8')
        .split('\n')
        .filter((l) => l.trim() !== '')
        .map((l) => JSON.parse(l) as Received)
    : []

/** A config with one q-* fixture agent that records into a file of its own; returns the config path and that file. */
function teamOf(t: TestHome, name: string, script: string, extra: Record<string, unknown> = {}): { cfg: string; file: string } {
  const file = join(t.home, `${name}.jsonl`)
  const cfg = writeConfig(t, [{ name, script: fixture(script), env: { RECORD_FILE: file }, startGrace: '100ms', backoff: { initial: '10ms' }, ...extra }])
  return { cfg, file }
}

const ls = (): Promise<AgentInfo[]> => orchJson<AgentInfo[]>(['ls'])
const inbox = async (id: string): Promise<number | undefined> => (await ls()).find((a) => a.id === id)?.inbox
const queueLs = (agent?: string): Promise<QueueListingResult> => orchJson<QueueListingResult>(['queue', 'ls', ...(agent ? [agent] : [])])
const send = async (...args: string[]): Promise<string> => (await orchJson<{ ids: string[] }>(['send', ...args])).ids[0]!

describe('delivery order', () => {
  it('delivers 1,000 messages sent while the recipient was stopped highest priority first, FIFO within a priority', async () => {
    const t = home()
    const { cfg, file } = teamOf(t, 'rec', 'q-record.js')
    await orchJson(['start', cfg])
    await orchJson(['stop', 'rec'])

    const client = await DaemonClient.connect(t.paths.socket)
    const priorities = Array.from({ length: 1000 }, () => Math.floor(Math.random() * 11) - 3)
    // pipelined on one connection: the daemon takes them in this order
    const results = await Promise.all(priorities.map((priority, i) => client.call('queue.send', { to: 'rec', type: 'n', payload: { i }, priority })))
    client.close()
    expect(new Set(results.map((r) => r.ids[0])).size).toBe(1000)
    expect(await inbox('rec')).toBe(1000)
    expect(received(file)).toEqual([])

    await orchJson(['start', 'rec'])
    const got = await waitFor(() => received(file).length >= 1000 && received(file), '1000 messages recorded')
    const expected = priorities.map((priority, i) => ({ priority, i })).sort((a, b) => b.priority - a.priority || a.i - b.i)
    expect(got.map((m) => [m.priority, m.payload.i])).toEqual(expected.map((e) => [e.priority, e.i]))
    expect(got.every((m) => m.attempts === 0 && m.from === 'cli')).toBe(true)
    await waitFor(async () => (await inbox('rec')) === 0, 'inbox empty')
  })
})

describe('queue.sendMany', () => {
  it('stores each send of a batch on its own, in order, and fails bad ones alone', async () => {
    const t = home()
    const { cfg, file } = teamOf(t, 'rec', 'q-record.js')
    await orchJson(['start', cfg])
    await orchJson(['stop', 'rec'])
    const client = await DaemonClient.connect(t.paths.socket)
    const { results } = await client.call('queue.sendMany', {
      messages: [
        { to: 'rec', type: 'a', payload: 1 },
        { to: 'ghost', type: 'b' },
        { to: 'rec', type: 'c', priority: 1.5 } as never,
        { to: 'rec', type: 'd', payload: 4, priority: 2 },
      ],
    })
    client.close()
    expect(results[0]).toEqual({ ids: [expect.any(String)] })
    expect(results[1]).toMatchObject({ error: { code: 'E_UNKNOWN_RECIPIENT' } })
    expect(results[2]).toMatchObject({ error: { code: 'E_BAD_PARAMS', message: expect.stringMatching(/'priority' must be a whole number, got 1.5/) } })
    expect(results[3]).toEqual({ ids: [expect.any(String)] })
    expect(await inbox('rec')).toBe(2)
    await orchJson(['start', 'rec'])
    const got = await waitFor(() => received(file).length >= 2 && received(file), 'two messages recorded')
    expect(got.map((m) => m.type)).toEqual(['d', 'a'])
  })
})

describe('large listings', () => {
  it('list within the frame limit: exact counts, as many messages as fit', async () => {
    const t = home()
    const { cfg } = teamOf(t, 'rec', 'q-record.js')
    await orchJson(['start', cfg])
    await orchJson(['stop', 'rec'])
    const client = await DaemonClient.connect(t.paths.socket)
    const big = 'x'.repeat(200 * 1024)
    for (let i = 0; i < 6; i++) await client.call('queue.send', { to: 'rec', type: 'big', payload: big })
    client.close()
    const listing = await queueLs('rec')
    expect(listing.counts.pending).toBe(6)
    expect(listing.pending.length).toBeGreaterThan(0)
    expect(listing.pending.length).toBeLessThan(6)
  })
})

describe('a stopped recipient', () => {
  it('holds its messages (inbox grows, queue ls lists them) and delivers them when it starts', async () => {
    const t = home()
    const { cfg, file } = teamOf(t, 'rec', 'q-record.js')
    await orchJson(['start', cfg])
    await orchJson(['stop', 'rec'])

    const low = await send('rec', 'low', '{"n":1}', '--priority', '1')
    expect(await inbox('rec')).toBe(1)
    // runCommand splits its arguments on spaces unless they are quoted, as a shell would
    const high = await send('rec', 'high', '"plain words"', '--priority', '5', '--correlation-id', 'c-7')
    expect(await inbox('rec')).toBe(2)
    const lsOut = (await orch(['ls'])).stdout
    expect(lsOut.split('\n')[0]).toMatch(/\binbox +in flight$/)
    expect(lsOut.split('\n')[1]).toMatch(/^rec\s.*\bstopped\b.*\s2 +0$/)

    const listed = await queueLs('rec')
    expect(listed.counts).toEqual({ pending: 2, inFlight: 0, dead: 0 })
    expect(listed.pending.map((m) => [m.id, m.type, m.priority, m.payload, m.from])).toEqual([
      [high, 'high', 5, 'plain words', 'cli'],
      [low, 'low', 1, { n: 1 }, 'cli'],
    ])
    expect(listed.pending[0]!.correlationId).toBe('c-7')

    const table = (await orch(['queue', 'ls', 'rec'])).stdout.trimEnd().split('\n')
    expect(table[0]).toBe('queue of rec: 2 pending, 0 in flight, 0 dead')
    expect(table[2]).toBe('pending (2)')
    expect(table[3]).toMatch(/^id\s+from\s+to\s+type\s+priority\s+attempts\s+age\s+due\s+last error$/)
    expect(table[4]).toMatch(new RegExp(`^${high.slice(0, 8)}\\s+cli\\s+rec\\s+high\\s+5\\s+0\\s+\\d+s\\s+-\\s+-$`))
    expect(table[5]).toMatch(new RegExp(`^${low.slice(0, 8)}\\s+cli\\s+rec\\s+low\\s+1\\s+0\\s+\\d+s\\s+-\\s+-$`))
    expect(table).toHaveLength(6)

    await orchJson(['start', 'rec'])
    const got = await waitFor(() => received(file).length >= 2 && received(file), 'both delivered')
    expect(got.map((m) => m.id)).toEqual([high, low])
    await waitFor(async () => (await inbox('rec')) === 0, 'inbox empty after delivery')
    expect((await queueLs('rec')).counts).toEqual({ pending: 0, inFlight: 0, dead: 0 })
  })
})

describe('at-least-once', () => {
  it('gives a message in flight when its agent is SIGKILLed to the restarted agent, with attempts 1', async () => {
    const t = home()
    const { cfg, file } = teamOf(t, 'hold', 'q-hold.js')
    await orchJson(['start', cfg])
    const id = await send('hold', 'job', '{"n":1}')
    const [first] = await waitFor(() => received(file).length >= 1 && received(file), 'first delivery')
    expect(first).toMatchObject({ id, attempts: 0 })

    const inFlight = await queueLs('hold')
    expect(inFlight.counts).toEqual({ pending: 0, inFlight: 1, dead: 0 })
    expect(inFlight.inFlight[0]).toMatchObject({ id, leasedTo: 'hold', attempts: 0 })
    const table = (await orch(['queue', 'ls'])).stdout.split('\n')
    expect(table[0]).toBe('queue: 0 pending, 1 in flight, 0 dead')
    expect(table[3]).toMatch(/\bleased to\s+lease left\s+progress$/)
    expect(table[4]).toMatch(new RegExp(`^${id.slice(0, 8)}\\s+cli\\s+hold\\s+job\\s+0\\s+0\\s+\\d+s\\s+-\\s+hold\\s+\\d+s\\s+-$`))

    process.kill(first!.pid!, 'SIGKILL')
    const again = await waitFor(() => received(file).find((m) => m.pid !== first!.pid), 'redelivery to the restarted agent')
    expect(again).toMatchObject({ id, attempts: 1 })
    expect(received(file)).toHaveLength(2)
    const after = await queueLs('hold')
    expect(after.inFlight[0]).toMatchObject({ id, attempts: 1, lastError: expect.stringMatching(/^recipient 'hold' went away: (disconnected|agent exited)$/) })
  })
})

describe('dead letters', () => {
  it('dead-letters after maxAttempts nacks with the last error; replay puts it back; purge empties it', async () => {
    const t = home()
    const { cfg, file } = teamOf(t, 'nack', 'q-nack.js')
    await orchJson(['start', cfg])
    const id = await send('nack', 'job', '{"n":1}', '--priority', '3')

    const [dead] = await waitFor(async () => {
      const d = await orchJson<WireMessage[]>(['queue', 'dead'])
      return d.length === 1 && d
    }, 'dead letter')
    expect(dead).toMatchObject({ id, to: 'nack', type: 'job', priority: 3, attempts: 5, lastError: 'q-nack refused attempt 4', deadAt: expect.any(Number) })
    expect(received(file).map((m) => [m.id, m.attempts])).toEqual([0, 1, 2, 3, 4].map((a) => [id, a]))
    expect((await queueLs('nack')).counts).toEqual({ pending: 0, inFlight: 0, dead: 1 })
    expect(await inbox('nack')).toBe(0)

    const deadTable = (await orch(['queue', 'dead'])).stdout.split('\n')
    expect(deadTable[0]).toMatch(/^id\s+from\s+to\s+type\s+priority\s+attempts\s+died\s+last error$/)
    expect(deadTable[1]).toMatch(new RegExp(`^${id.slice(0, 8)}\\s+cli\\s+nack\\s+job\\s+3\\s+5\\s+\\d+s ago\\s+q-nack refused attempt 4$`))

    // the full id, as --json prints it
    expect(await orchJson(['queue', 'replay', id])).toEqual({ replayed: 1 })
    await waitFor(() => received(file).length === 10, 'second round of deliveries', 10_000)
    expect(received(file)[5]).toMatchObject({ id, attempts: 0 })
    await waitFor(async () => (await queueLs('nack')).counts.dead === 1, 'dead again')

    // the short id, as the tables show it
    const replayed = await orch(['queue', 'replay', id.slice(0, 8)])
    expect(replayed.error).toBeUndefined()
    expect(replayed.stdout.trim()).toBe(`replayed ${id.slice(0, 8)}`)
    await waitFor(() => received(file).length === 15, 'third round of deliveries', 10_000)
    await waitFor(async () => (await queueLs('nack')).counts.dead === 1, 'dead a third time')

    const missing = await orch(['queue', 'replay', 'ffffffff-0000-4000-8000-000000000000'])
    expect(missing.error?.message).toMatch(/no dead letter with id 'ffffffff-0000-4000-8000-000000000000'; list them with: orch queue dead/)

    expect(await orchJson(['queue', 'purge', 'nack'])).toEqual({ purged: 1 })
    expect((await queueLs('nack')).counts).toEqual({ pending: 0, inFlight: 0, dead: 0 })
    expect(await orchJson(['queue', 'dead'])).toEqual([])
    expect((await orch(['queue', 'dead'])).stdout.trim()).toBe('no dead letters')
    const unknown = await orch(['queue', 'purge', 'nope'])
    expect(unknown.error).toMatchObject({ code: 'E_UNKNOWN_AGENT', message: expect.stringMatching(/no agent named 'nope'; known: nack/) })
  })

  it('dead-letters a message whose recipient dies holding it on every attempt', async () => {
    const t = home()
    const { cfg, file } = teamOf(t, 'crashy', 'q-crash.js', { maxRestarts: 10 })
    await orchJson(['start', cfg])
    const id = await send('crashy', 'poison')
    const [dead] = await waitFor(async () => {
      const d = await orchJson<WireMessage[]>(['queue', 'dead'])
      return d.length === 1 && d
    }, 'poison message dead-lettered')
    expect(dead).toMatchObject({ id, attempts: 5, lastError: expect.stringMatching(/^recipient 'crashy' went away: (disconnected|agent exited)$/) })
    expect(received(file).map((m) => m.attempts)).toEqual([0, 1, 2, 3, 4])
    expect(new Set(received(file).map((m) => m.pid)).size).toBe(5)
  })
})

describe('refused sends', () => {
  it('refuses oversized, misaddressed and malformed messages with a clear error, storing nothing', async () => {
    const t = home()
    const { cfg } = teamOf(t, 'rec', 'q-record.js')
    await orchJson(['start', cfg])
    await orchJson(['stop', 'rec'])
    await send('rec', 'keep', '42')
    const before = await queueLs()
    expect(before.counts).toEqual({ pending: 1, inFlight: 0, dead: 0 })
    expect(before.pending[0]!.payload).toBe(42)

    const big = JSON.stringify({ blob: 'x'.repeat(256 * 1024) })
    const tooBig = await orch(['send', 'rec', 'big', big])
    expect(tooBig.error).toMatchObject({ code: 'E_INVALID_MESSAGE', message: expect.stringMatching(/payload is \d+ bytes of JSON, over the limit of 262144 bytes/) })
    // past the frame cap: refused by the CLI itself with the same code
    const huge = await orch(['send', 'rec', 'huge', 'y'.repeat(2 * 1024 * 1024)])
    expect(huge.error).toMatchObject({ code: 'E_INVALID_MESSAGE', message: expect.stringMatching(/over the limit of 262144 bytes/) })

    const unknown = await orch(['send', 'nobody', 'hello'])
    expect(unknown.error).toMatchObject({ code: 'E_UNKNOWN_RECIPIENT', message: expect.stringMatching(/unknown recipient 'nobody'; known agents: rec/) })
    const badInstance = await orch(['send', 'rec:3', 'hello'])
    expect(badInstance.error?.message).toMatch(/agent 'rec' has 1 instance\(s\): 0\.\.0/)

    const badDelay = await orch(['send', 'rec', 'later', '--delay', 'soon'])
    expect(badDelay.error?.message).toMatch(/'soon' is not a duration; write it like 500ms, 5s, 2m or 1h/)

    const peer = await RawPeer.open(t.paths.socket)
    peer.write(`{"id":1,"method":"hello","params":{"version":${PROTOCOL_VERSION},"client":"cli"}}\n`)
    expect((await peer.next(1)).result).toBeDefined()
    peer.write('{"id":2,"method":"queue.send","params":{"to":"rec","type":"t","priority":1.5}}\n')
    expect(await peer.next(2)).toMatchObject({ id: 2, error: { code: 'E_BAD_PARAMS', message: expect.stringMatching(/priority/) } })
    peer.write('{"id":3,"method":"queue.send","params":{"to":"rec"}}\n')
    expect(await peer.next(3)).toMatchObject({ id: 3, error: { code: 'E_BAD_PARAMS', message: expect.stringMatching(/type/) } })
    peer.close()

    expect((await queueLs()).counts).toEqual(before.counts)
    expect(await inbox('rec')).toBe(1)
  })
})

describe('orch send', () => {
  it('prints the stored id; --json returns {ids}; a payload that is not JSON is a string', async () => {
    const t = home()
    const { cfg } = teamOf(t, 'rec', 'q-record.js')
    await orchJson(['start', cfg])
    await orchJson(['stop', 'rec'])

    const human = await orch(['send', 'rec', 'greet', '"hello there"', '--priority', '2'])
    expect(human.error).toBeUndefined()
    expect(human.stdout).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\n$/)
    const json = await orchJson<{ ids: string[] }>(['send', 'rec', 'data', '{"k":[1,2]}', '--delay', '1h', '--ttl', '2h', '--reply-to', 'cli'])
    expect(json).toEqual({ ids: [expect.any(String)] })

    const { pending } = await queueLs('rec')
    const byId = new Map(pending.map((m) => [m.id, m]))
    expect(byId.get(human.stdout.trim())).toMatchObject({ type: 'greet', payload: 'hello there', priority: 2 })
    const delayed = byId.get(json.ids[0]!)!
    expect(delayed).toMatchObject({ type: 'data', payload: { k: [1, 2] }, priority: 0, replyTo: 'cli' })
    expect(delayed.notBefore! - delayed.createdAt).toBe(3_600_000)
    expect(delayed.expiresAt! - delayed.createdAt).toBe(7_200_000)
    const rows = (await orch(['queue', 'ls', 'rec'])).stdout.split('\n')
    expect(rows.find((r) => r.startsWith(json.ids[0]!.slice(0, 8)))).toMatch(/\sdata\s+0\s+0\s+\d+s\s+in (59m|1h)\s+-$/)
  })
})
