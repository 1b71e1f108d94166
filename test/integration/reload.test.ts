import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { DaemonClient } from '../../src/core/client/daemon-client.js'
import { isEvent } from '../../src/core/protocol/events.js'
import { PushedEvent, type AgentInfo, type WireMessage } from '../../src/core/protocol/types.js'
import { runBin } from '../helpers/bin.js'
import { fixture, isAlive, killDaemon, orch, orchJson, useHomes, waitFor, writeConfig, type TestHome } from '../helpers/orch.js'

/** Pids the fixture recorded, for the cleanup: a failed test may leave a reload's other process, which the state store names only as `retiring`. */
const strays: number[] = []
const home = useHomes(strays)

interface Step {
  event: 'start' | 'ready' | 'exit' | 'fail' | 'hold'
  pid: number
  id: string
  seen?: { pid: number; status: string } | null
}

function steps(file: string): Step[] {
  if (!existsSync(file)) return []
  const all = readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Step)
  for (const s of all) if (!strays.includes(s.pid)) strays.push(s.pid)
  return all
}

function config(t: TestHome, name: string, instances: number, env: Record<string, string> = {}): { file: string; record: string } {
  const record = join(t.home, `${name}.jsonl`)
  const file = writeConfig(t, [{ name, script: fixture('sdk-reload.js'), instances, startGrace: '30s', env: { RECORD_FILE: record, ...env } }])
  return { file, record }
}

const list = (): Promise<AgentInfo[]> => orchJson<AgentInfo[]>(['ls'])

async function allOnline(n: number): Promise<AgentInfo[]> {
  return waitFor(async () => {
    const agents = await list()
    return agents.length === n && agents.every((a) => a.status === 'online') && agents
  }, `${n} instance(s) online`)
}

/** A CLI connection that sends requests and collects their replies (as `orch request` does, many at once). */
async function requester(t: TestHome): Promise<{ client: DaemonClient; send: (to: string, n: number) => Promise<void>; replies: Map<string, WireMessage> }> {
  const client = await DaemonClient.connect(t.paths.socket, { client: 'cli' })
  const { id: address } = await client.call('queue.consume', {})
  const replies = new Map<string, WireMessage>()
  client.on('event', (frame) => {
    if (!isEvent(frame, PushedEvent.MESSAGE)) return
    client.call('queue.ack', { id: frame.data.id }).catch(() => {})
    if (frame.data.correlationId) replies.set(frame.data.correlationId, frame.data)
  })
  const send = async (to: string, n: number): Promise<void> => {
    await client.call('queue.send', { to, type: 'echo', payload: n, correlationId: `req-${n}`, replyTo: address })
  }
  return { client, send, replies }
}

describe('orch reload', () => {
  it('reloads a pool instance by instance: every pid changes, some instance is online at every moment, and every request is answered', async () => {
    const t = home()
    const { file, record } = config(t, 'worker', 2, { READY_AFTER_MS: '300' })
    await orchJson(['start', file])
    const before = await allOnline(2)
    const req = await requester(t)

    // while the reload runs: poll the list, and send requests
    let reloading = true
    const polls: AgentInfo[][] = []
    let sent = 0
    const poller = (async () => {
      const cli = await DaemonClient.connect(t.paths.socket, { client: 'cli' })
      while (reloading) {
        polls.push(await cli.call('agents.list', {}))
        if (sent < 40) await req.send('worker', sent++)
      }
      cli.close()
    })()
    poller.catch(() => {})
    let reloaded: AgentInfo[]
    try {
      reloaded = await orchJson<AgentInfo[]>(['reload', 'worker'])
    } finally {
      reloading = false
      await poller.catch(() => {})
    }
    for (let n = sent; n < sent + 5; n++) await req.send('worker', n)
    sent += 5

    // every pid changed, and the answer shows the new ones, online, with one restart each
    expect(reloaded.map((a) => a.id)).toEqual(['worker:0', 'worker:1'])
    expect(reloaded.map((a) => a.status)).toEqual(['online', 'online'])
    for (const [i, a] of reloaded.entries()) {
      expect(a.pid).not.toBe(before[i]!.pid)
      expect(a.restarts).toBe(1)
    }
    // at no moment was the pool without an online instance (here: no instance ever left online)
    expect(polls.length).toBeGreaterThan(0)
    // requests went out while it ran (5 more after)
    expect(sent).toBeGreaterThan(5)
    for (const p of polls) expect(p.filter((a) => a.status === 'online').length).toBeGreaterThanOrEqual(1)
    expect(polls.flat().every((a) => a.status === 'online')).toBe(true)
    // one instance at a time: worker:1 got its new process only after worker:0's old one was gone
    const s = steps(record)
    const at = (event: Step['event'], pid: number): number => s.findIndex((x) => x.event === event && x.pid === pid)
    expect(at('start', reloaded[1]!.pid!)).toBeGreaterThan(at('exit', before[0]!.pid!))
    for (const i of [0, 1]) expect(isAlive(before[i]!.pid!)).toBe(false)

    // every request got its reply
    await waitFor(() => req.replies.size === sent, `${sent} replies`)
    expect([...req.replies.keys()].sort()).toEqual(Array.from({ length: sent }, (_, n) => `req-${n}`).sort())
    req.client.close()
    const counts = (await orchJson<{ counts: Record<string, number> }>(['queue', 'ls'])).counts
    expect(counts).toMatchObject({ dead: 0 })
  })

  it('a single instance: the new process is online before the old one is signalled', async () => {
    const t = home()
    const { file, record } = config(t, 'echo', 1)
    await orchJson(['start', file])
    const [before] = await allOnline(1)
    const [after] = await orchJson<AgentInfo[]>(['reload', 'echo'])
    expect(after).toMatchObject({ id: 'echo', status: 'online', restarts: 1 })
    expect(after!.pid).not.toBe(before!.pid)
    // when the old process got its kill signal, the daemon listed the instance as the new process, online
    const exit = await waitFor(() => steps(record).find((x) => x.event === 'exit' && x.pid === before!.pid), 'the old process recorded its exit')
    expect(exit.seen).toEqual({ pid: after!.pid, status: 'online' })
    const s = steps(record)
    expect(s.findIndex((x) => x.event === 'start' && x.pid === after!.pid)).toBeLessThan(s.findIndex((x) => x.event === 'exit' && x.pid === before!.pid))
    expect(isAlive(before!.pid!)).toBe(false)
    // describe tells the story
    const d = await orchJson<{ events: Array<{ from: string; to: string; reason: string }> }>(['describe', 'echo'])
    expect(d.events.at(-1)).toMatchObject({ from: 'online', to: 'online', reason: `reloaded: new pid ${after!.pid} took over from pid ${before!.pid} (signalled ready)` })

    // without --json: the table of the agents as they are after it
    const human = await orch(['reload', 'echo'])
    expect(human.error).toBeUndefined()
    const [again] = await list()
    expect(again!.restarts).toBe(2)
    expect(human.stdout).toMatch(new RegExp(`echo .*online.* ${again!.pid} `))
  })

  it('a new process that crashes at start leaves the old one running, and the command fails with E_RELOAD_FAILED', async () => {
    const t = home()
    const failFile = join(t.home, 'fail')
    const { file, record } = config(t, 'echo', 1, { FAIL_FILE: failFile })
    await orchJson(['start', file])
    const [before] = await allOnline(1)
    writeFileSync(failFile, '')

    const r = await runBin(['reload', 'echo', '--json'])
    expect(r.status, r.stderr).toBe(1)
    const doc = JSON.parse(r.stdout) as { error: { code: string; message: string } }
    expect(doc.error.code).toBe('E_RELOAD_FAILED')
    const failed = steps(record).find((x) => x.event === 'fail')!
    expect(doc.error.message).toBe(
      `reload of echo failed: its new process (pid ${failed.pid}) exited with code 3 before it was online; its old process (pid ${before!.pid}) keeps running (see orch logs echo)`,
    )
    // the old process still serves, nothing restarted or counted
    const [now] = await list()
    expect(now).toMatchObject({ pid: before!.pid, status: 'online', restarts: 0 })
    expect(isAlive(before!.pid!)).toBe(true)
    expect(isAlive(failed.pid)).toBe(false)
    const req = await requester(t)
    await req.send('echo', 1)
    const reply = await waitFor(() => req.replies.get('req-1'), 'a reply from the old process')
    expect(reply.payload).toEqual({ payload: 1, pid: before!.pid })
    req.client.close()

    // without --json: the message on stderr, exit 1
    const human = await runBin(['reload', 'echo'])
    expect(human.status).toBe(1)
    expect(human.stderr).toContain('E_RELOAD_FAILED')
  })

  it('a daemon killed during a reload: the next one stops the new process it left, and keeps the old one', async () => {
    const t = home()
    const holdFile = join(t.home, 'hold')
    const { file, record } = config(t, 'echo', 1, { HOLD_FILE: holdFile })
    await orchJson(['start', file])
    const [before] = await allOnline(1)
    writeFileSync(holdFile, '')
    // the new process never signals ready: the reload waits (startGrace is 30s)
    const reloading = runBin(['reload', 'echo', '--json'])
    const held = await waitFor(() => steps(record).find((x) => x.event === 'hold'), 'the new process started')
    // saved as the instance's other process
    const saved = (): string => readFileSync(join(t.paths.dataDir, 'agents.db'), 'utf8')
    await waitFor(() => saved().includes(`"retiring":{"pid":${held.pid}`), 'the new process saved as retiring')
    killDaemon(t)
    const r = await reloading
    expect(r.status).toBe(1)

    // any command starts a daemon, which re-adopts the old process and stops the other one
    const [now] = await list()
    expect(now).toMatchObject({ pid: before!.pid, status: 'online' })
    await waitFor(() => !isAlive(held.pid), 'the new process stopped by the next daemon')
    expect(isAlive(before!.pid!)).toBe(true)
  })

  it("both processes' tokens are admitted during a reload; after it, only the new one's", async () => {
    const t = home()
    const tokens = join(t.home, 'tokens.jsonl')
    const read = (): Array<{ pid: number; token: string }> =>
      existsSync(tokens) ? readFileSync(tokens, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l)) : []
    // not an SDK agent: online after its start grace, the new process as the old one
    await orchJson(['start', writeConfig(t, [{ name: 'tok', script: fixture('print-token.js'), env: { TOKEN_FILE: tokens }, startGrace: '3s' }])])
    const [before] = await allOnline(1)
    const admitted = async (token: string): Promise<boolean> =>
      DaemonClient.connect(t.paths.socket, { client: 'agent', agent: 'tok', token }).then(
        (c) => (c.close(), true),
        () => false,
      )
    const reloading = orchJson<AgentInfo[]>(['reload', 'tok'])
    const [first, second] = await waitFor(() => read().length === 2 && read(), 'the new process started')
    for (const s of [first!, second!]) strays.push(s.pid)
    expect(first!.pid).toBe(before!.pid)
    expect([await admitted(first!.token), await admitted(second!.token)]).toEqual([true, true])
    const [after] = await reloading
    expect(after).toMatchObject({ pid: second!.pid, status: 'online', restarts: 1 })
    expect([await admitted(first!.token), await admitted(second!.token)]).toEqual([false, true])
  })

  it('reload of an unknown agent is E_UNKNOWN_AGENT', async () => {
    const t = home()
    const { file } = config(t, 'echo', 1)
    await orchJson(['start', file])
    const r = await orch(['reload', 'nope', '--json'])
    expect(JSON.parse(r.stdout).error).toMatchObject({ code: 'E_UNKNOWN_AGENT', message: expect.stringContaining("no agent named 'nope'; known: echo") })
  })
})
