import { spawn } from 'node:child_process'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { DaemonClient } from '../../src/core/client/daemon-client.js'
import type { AgentInfo, QueueListingResult, WireMessage } from '../../src/core/protocol/types.js'
import { fixture, isAlive, killDaemon, orch, orchJson, ROOT, useHomes, waitFor, writeConfig } from '../helpers/orch.js'

const home = useHomes()

const lines = <T>(file: string): T[] =>
  existsSync(file)
    ? readFileSync(file, 'utf8')
        .split('\n')
        .filter((l) => l.trim() !== '')
        .map((l) => JSON.parse(l) as T)
    : []

const ls = (): Promise<AgentInfo[]> => orchJson<AgentInfo[]>(['ls'])
const FAST = { startGrace: '100ms', backoff: { initial: '10ms' } }

describe('agent identity', () => {
  it('admits the spawned process with its token only; the token changes at each spawn', async () => {
    const t = home()
    const tokens = join(t.home, 'tokens.jsonl')
    await orchJson(['start', writeConfig(t, [{ name: 'tok', script: fixture('print-token.js'), env: { TOKEN_FILE: tokens }, ...FAST }])])
    const [first] = await waitFor(() => lines<{ token: string }>(tokens).length === 1 && lines<{ token: string }>(tokens), 'token written')
    expect(first!.token).toMatch(/^[A-Za-z0-9_-]{43}$/)

    const refused = async (token?: string): Promise<{ code?: string; message: string }> =>
      DaemonClient.connect(t.paths.socket, { client: 'agent', agent: 'tok', ...(token ? { token } : {}) }).then(
        (c) => {
          c.close()
          throw new Error('admitted')
        },
        (err: { code?: string; message: string }) => err,
      )
    const none = await refused()
    expect(none.code).toBe('E_AGENT_REFUSED')
    expect(none.message).toMatch(/no token for agent 'tok': only the process orch started for it may say hello as it.*type: 'external'/)
    expect((await refused('x'.repeat(43))).message).toMatch(/wrong token for agent 'tok'/)
    const unknown = await DaemonClient.connect(t.paths.socket, { client: 'agent', agent: 'tok:9' }).catch((e: Error & { code?: string }) => e)
    expect(unknown).toMatchObject({ code: 'E_AGENT_REFUSED' })
    expect((unknown as Error).message).toMatch(/no agent instance 'tok:9' is defined \(known: tok\); .*\{ name: 'tok', type: 'external' \}/)

    const ok = await DaemonClient.connect(t.paths.socket, { client: 'agent', agent: 'tok', token: first!.token })
    ok.close()
    // a CLI needs no token
    ;(await DaemonClient.connect(t.paths.socket, { client: 'cli' })).close()

    await orchJson(['restart', 'tok'])
    const all = await waitFor(() => lines<{ token: string }>(tokens).length === 2 && lines<{ token: string }>(tokens), 'second token')
    expect(all[1]!.token).not.toBe(first!.token)
    expect((await refused(first!.token)).code).toBe('E_AGENT_REFUSED')
    ;(await DaemonClient.connect(t.paths.socket, { client: 'agent', agent: 'tok', token: all[1]!.token })).close()
  })

  it('keeps admitting a re-adopted agent after a daemon crash (the token is kept in the state store)', async () => {
    const t = home()
    const tokens = join(t.home, 'tokens.jsonl')
    await orchJson(['start', writeConfig(t, [{ name: 'tok', script: fixture('print-token.js'), env: { TOKEN_FILE: tokens }, ...FAST }])])
    const [first] = await waitFor(() => lines<{ token: string; pid: number }>(tokens)[0] && lines<{ token: string; pid: number }>(tokens), 'token written')
    await waitFor(async () => (await ls())[0]!.status === 'online', 'online')
    process.kill(Number(readFileSync(t.paths.pidFile, 'utf8')), 'SIGKILL')
    await waitFor(async () => (await ls())[0]!.pid === first!.pid, 're-adopted by a new daemon')
    ;(await DaemonClient.connect(t.paths.socket, { client: 'agent', agent: 'tok', token: first!.token })).close()
  })

  it('restarts a re-adopted agent that has no token (started by an orch before tokens), so it can connect again', async () => {
    const t = home()
    const tokens = join(t.home, 'tokens.jsonl')
    await orchJson(['start', writeConfig(t, [{ name: 'tok', script: fixture('print-token.js'), env: { TOKEN_FILE: tokens }, ...FAST }])])
    const [first] = await waitFor(() => lines<{ token: string; pid: number }>(tokens)[0] && lines<{ token: string; pid: number }>(tokens), 'token written')
    await waitFor(async () => (await ls())[0]!.status === 'online', 'online')
    // with its watchdog: it stays down while its records are edited
    const dead = killDaemon(t)!
    await waitFor(() => !isAlive(dead), 'daemon gone')
    // what an older orch wrote: the same records without a token
    const db = join(t.paths.dataDir, 'agents.db')
    writeFileSync(db, readFileSync(db, 'utf8').replace(/,"token":"[^"]*"/g, ''))
    await ls() // a new daemon re-adopts it
    const again = await waitFor(() => lines<{ token: string; pid: number }>(tokens)[1], 'a fresh start with a token')
    expect(again.pid).not.toBe(first!.pid)
    expect(again.token).toMatch(/^[A-Za-z0-9_-]{43}$/)
    const described = await orchJson<{ events: Array<{ reason: string }> }>(['describe', 'tok'])
    expect(described.events.map((e) => e.reason).join('\n')).toMatch(/no agent token \(started by an older orch\)/)
  })

  it('lets an external agent declared in the config join without a token and lists it', async () => {
    const t = home()
    await orchJson(['start', writeConfig(t, [{ name: 'outside', type: 'external', concurrency: 2 }])])
    expect((await ls())[0]).toMatchObject({ id: 'outside', type: 'external', status: 'starting', pid: null })
    const c = await DaemonClient.connect(t.paths.socket, { client: 'agent', agent: 'outside' })
    await waitFor(async () => (await ls())[0]!.status === 'online', 'online while connected')
    expect((await ls())[0]!.pid).toBe(process.pid)
    const described = await orchJson<{ events: Array<{ to: string; reason: string }> }>(['describe', 'outside'])
    expect(described.events.at(-1)).toMatchObject({ to: 'online', reason: `connected (pid ${process.pid})` })
    // it receives like any agent, with its configured concurrency
    const got: WireMessage[] = []
    c.on('event', (f) => f.event === 'message' && got.push(f.data as WireMessage))
    await c.call('queue.consume', {})
    for (let i = 0; i < 3; i++) await orchJson(['send', 'outside', 'job', String(i)])
    await waitFor(() => got.length === 2, 'two delivered')
    expect((await orchJson<QueueListingResult>(['queue', 'ls', 'outside'])).counts).toEqual({ pending: 1, inFlight: 2, dead: 0 })
    c.close()
    await waitFor(async () => (await ls())[0]!.status === 'starting', 'starting again once disconnected')
  })

  it("refuses a config that gives an external agent something to run", async () => {
    const t = home()
    const r = await orch(['start', writeConfig(t, [{ name: 'outside', type: 'external', script: 'x.js' }])])
    expect(r.error?.message).toMatch(/field 'script' must be not set: orch does not start an 'external' agent/)
    expect(await ls()).toEqual([])
  })
})

describe('one consumer per agent id', () => {
  it('tells the older connection it was replaced; once the newer closes, the older receives again', async () => {
    const t = home()
    await orchJson(['start', writeConfig(t, [{ name: 'ext', type: 'external', concurrency: 10 }])])
    const connect = async (): Promise<{ c: DaemonClient; got: WireMessage[]; events: string[] }> => {
      const c = await DaemonClient.connect(t.paths.socket, { client: 'agent', agent: 'ext' })
      const got: WireMessage[] = []
      const events: string[] = []
      c.on('event', (f) => (f.event === 'message' ? got.push(f.data as WireMessage) : events.push(f.event)))
      expect(await c.call('queue.consume', {})).toEqual({ ok: true, id: 'ext' })
      return { c, got, events }
    }
    const older = await connect()
    const newer = await connect()
    await waitFor(() => older.events.includes('consumer.replaced'), 'older told it was replaced')
    await orchJson(['send', 'ext', 'one'])
    await waitFor(() => newer.got.length === 1, 'newer receives')
    expect(older.got).toEqual([])
    // leases belong to the instance id: the older connection may ack what the newer received
    await older.c.call('queue.ack', { id: newer.got[0]!.id })
    newer.c.close()
    await waitFor(() => older.events.includes('consumer.resumed'), 'older told it resumed')
    await orchJson(['send', 'ext', 'two'])
    await waitFor(() => older.got.length === 1, 'older receives again')
    expect(older.got[0]).toMatchObject({ type: 'two', leaseMs: 30_000 })
    // and a replaced connection can take the consumer back by consuming again
    const third = await connect()
    await waitFor(() => older.events.filter((e) => e === 'consumer.replaced').length === 2, 'replaced again')
    await older.c.call('queue.consume', {})
    await waitFor(() => third.events.includes('consumer.replaced'), 'third replaced by the older taking back')
    await orchJson(['send', 'ext', 'three'])
    await waitFor(() => older.got.length === 2, 'older receives after consuming again')
    expect(third.got).toEqual([])
    older.c.close()
    third.c.close()
  })
})

describe('work spread over a pool', () => {
  it('gives 4 tasks queued before 4 workers of concurrency 1 start one each', async () => {
    const t = home()
    const file = join(t.home, 'held.jsonl')
    const cfg = writeConfig(t, [{ name: 'worker', script: fixture('q-hold.js'), instances: 4, env: { RECORD_FILE: file }, ...FAST }])
    await orchJson(['start', cfg])
    await orchJson(['stop', 'worker'])
    for (let i = 0; i < 4; i++) await orchJson(['send', 'worker', 'task', String(i)])
    await orchJson(['start', 'worker'])
    const held = await waitFor(() => lines<{ agent: string }>(file).length >= 4 && lines<{ agent: string }>(file), 'four tasks held')
    expect(held.map((h) => h.agent).sort()).toEqual(['worker:0', 'worker:1', 'worker:2', 'worker:3'])
    const q = await orchJson<QueueListingResult>(['queue', 'ls', 'worker'])
    expect(q.counts).toEqual({ pending: 0, inFlight: 4, dead: 0 })
  })

  it('redelivers the task of a worker killed mid-way once, to another worker', async () => {
    const t = home()
    const file = join(t.home, 'held.jsonl')
    await orchJson(['start', writeConfig(t, [{ name: 'worker', script: fixture('q-hold.js'), instances: 2, env: { RECORD_FILE: file }, ...FAST }])])
    await waitFor(async () => (await ls()).every((a) => a.status === 'online'), 'both online')
    const id = (await orchJson<{ ids: string[] }>(['send', 'worker', 'task'])).ids[0]!
    const [first] = await waitFor(() => lines<{ agent: string; pid: number }>(file)[0] && lines<{ agent: string; pid: number; id: string }>(file), 'held')
    process.kill(first!.pid, 'SIGKILL')
    const again = await waitFor(() => lines<{ agent: string; attempts: number; id: string }>(file)[1], 'redelivered')
    expect(again).toMatchObject({ id, attempts: 1 })
    expect(again.agent).not.toBe(first!.agent)
  })
})

describe('orch request and keyed sends', () => {
  it('prints the reply; --json gives the reply message; a reply to orch send does not fail the handler', async () => {
    const t = home()
    await orchJson(['start', writeConfig(t, [{ name: 'echo', script: fixture('sdk-echo.js'), startGrace: '60s' }])])
    await waitFor(async () => (await ls())[0]!.status === 'online', 'echo ready')
    const human = await orch(['request', 'echo', 'greet', '{"hi":1}'])
    expect(human.error).toBeUndefined()
    expect(JSON.parse(human.stdout)).toEqual({ hi: 1 })
    const reply = await orchJson<WireMessage>(['request', 'echo', 'greet', 'plain', '--timeout', '10s'])
    expect(reply).toMatchObject({ type: 'greet.reply', payload: 'plain', from: 'echo', id: expect.any(String), correlationId: expect.any(String), inReplyTo: expect.any(String) })

    await orchJson(['send', 'echo', 'greet', '"nobody waits"'])
    await waitFor(async () => (await orchJson<QueueListingResult>(['queue', 'ls'])).counts.inFlight === 0 && (await ls())[0]!.inbox === 0, 'handled')
    expect((await orchJson<WireMessage[]>(['queue', 'dead'])).length).toBe(0)
    const log = readFileSync(join(t.home, 'logs', 'echo.out.log'), 'utf8')
    expect(log).toMatch(/"level":"warn"[^\n]*reply not delivered[^\n]*"to":"cli"/)
  })

  it('fails with E_TIMEOUT when no reply comes, saying the request stays queued', async () => {
    const t = home()
    await orchJson(['start', writeConfig(t, [{ name: 'echo', script: fixture('sdk-echo.js'), startGrace: '60s' }])])
    await orchJson(['stop', 'echo'])
    const r = await orch(['request', 'echo', 'greet', '--timeout', '300ms'])
    expect(r.error?.message).toMatch(/no reply from 'echo' to 'greet' within 300 ms; the request \(.+\) stays queued, see orch queue ls echo/)
    expect(r.error?.code).toBe('E_TIMEOUT')
    expect((await ls())[0]!.inbox).toBe(1)
  })

  it('fails at once, saying why, when the daemon goes away while it waits', async () => {
    const t = home()
    await orchJson(['start', writeConfig(t, [{ name: 'echo', script: fixture('sdk-echo.js'), startGrace: '60s' }])])
    await orchJson(['stop', 'echo'])
    const child = spawn(process.execPath, [join(ROOT, 'bin', 'run.js'), 'request', 'echo', 'greet', '--timeout', '60s', '--json'], {
      env: { ...process.env, ORCH_HOME: t.home },
    })
    let out = ''
    child.stdout.on('data', (d: Buffer) => (out += d.toString()))
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
    await waitFor(async () => (await ls())[0]!.inbox === 1, 'request stored')
    const started = Date.now()
    await orchJson(['daemon', 'restart'])
    expect(await exited).toBe(1)
    expect(Date.now() - started).toBeLessThan(30_000)
    expect(JSON.parse(out)).toMatchObject({ error: { code: 'E_DAEMON_UNREACHABLE', message: expect.stringMatching(/closed the connection while waiting for the reply/) } })
  })

  it('stores a keyed send once and answers the second with the first id', async () => {
    const t = home()
    await orchJson(['start', writeConfig(t, [{ name: 'rec', script: fixture('q-hold.js'), env: { RECORD_FILE: join(t.home, 'r.jsonl') }, ...FAST }])])
    await orchJson(['stop', 'rec'])
    const a = await orchJson<{ ids: string[]; duplicate?: true }>(['send', 'rec', 'job', '--key', 'job-7'])
    const b = await orchJson<{ ids: string[]; duplicate?: true }>(['send', 'rec', 'job', '--key', 'job-7'])
    expect(b).toEqual({ ids: a.ids, duplicate: true })
    expect(a.duplicate).toBeUndefined()
    const human = await orch(['send', 'rec', 'job', '--key', 'job-7'])
    expect(human.stdout.trim()).toBe(a.ids[0])
    expect(human.stderr).toMatch(/not stored again: key 'job-7' was sent already/)
    expect((await ls())[0]!.inbox).toBe(1)
  })
})
