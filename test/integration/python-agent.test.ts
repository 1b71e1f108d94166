import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'
import { DaemonClient } from '../../src/core/client/daemon-client.js'
import type { EventFrame } from '../../src/core/protocol/frames.js'
import type { AgentEvent, AgentInfo, QueueListingResult, WireMessage } from '../../src/core/protocol/types.js'
import { cleanup, isAlive, makeHome, orchJson, ROOT, waitFor, writeConfig, type TestHome } from '../helpers/orch.js'

const PY_AGENT = join(ROOT, 'examples', 'python-agent', 'agent.py')

const hasPython = (() => {
  try {
    execFileSync('python3', ['--version'], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
})()

/**
 * A Node agent on the raw client (the SDK of src/agent is written elsewhere):
 * prints what it receives in the example's format, answers pings, acks.
 */
const NODE_PEER = (clientUrl: string): string => `
import { DaemonClient } from ${JSON.stringify(clientUrl)}
const me = process.env.ORCH_AGENT_ID
const c = await DaemonClient.connect(process.env.ORCH_SOCKET, { client: 'agent', agent: me, token: process.env.ORCH_AGENT_TOKEN })
c.on('close', () => process.exit(1))
c.on('event', async ({ event, data: m }) => {
  if (event !== 'message') return
  console.log(\`\${me} received from \${m.from}: \${JSON.stringify(m.payload)}\`)
  if (m.type === 'ping') {
    const reply = { to: m.replyTo ?? m.from, type: 'ping.reply', payload: { pong: m.payload, lang: 'node' }, inReplyTo: m.id, hops: m.hops + 1 }
    await c.call('queue.send', m.correlationId ? { ...reply, correlationId: m.correlationId } : reply)
  }
  await c.call('queue.ack', { id: m.id })
})
await c.call('agent.ready', {})
await c.call('queue.consume', {})
`

let homes: TestHome[] = []
let clients: DaemonClient[] = []
/** agent.py processes the test starts itself (outside orch): killed by pid after each test */
let strays: ChildProcess[] = []
const home = (): TestHome => {
  const t = makeHome()
  homes.push(t)
  return t
}
afterEach(async () => {
  for (const c of clients) c.close()
  clients = []
  for (const p of strays) if (p.pid && p.exitCode === null && p.signalCode === null) p.kill('SIGKILL')
  strays = []
  for (const t of homes) await cleanup(t)
  homes = []
})

/**
 * py (Python, process type), node_peer (Node), and probe: an external agent
 * the test connects as (no token). `py` overrides py's definition.
 */
async function startTeam(t: TestHome, py: Record<string, unknown> = {}, more: unknown[] = []): Promise<void> {
  const peer = join(t.home, 'node-peer.mjs')
  writeFileSync(peer, NODE_PEER(pathToFileURL(join(ROOT, 'dist', 'src', 'core', 'client', 'daemon-client.js')).href))
  const cfg = writeConfig(t, [
    // startGrace 60s: py can only be online this soon by signalling ready
    { name: 'py', type: 'process', command: 'python3', args: ['-u', PY_AGENT], env: { PEER: 'node_peer', PING_EVERY_MS: '200' }, startGrace: '60s', ...py },
    { name: 'node_peer', script: peer },
    { name: 'probe', type: 'external' },
    ...more,
  ])
  await orchJson(['start', cfg])
}

/** Runs agent.py by hand, outside orch, as `id`: no ORCH_AGENT_TOKEN in its environment. */
function runByHand(t: TestHome, id: string): { proc: ChildProcess; exited: Promise<number | null>; stderr: () => string } {
  const env: NodeJS.ProcessEnv = { ...process.env, ORCH_SOCKET: t.paths.socket, ORCH_AGENT_ID: id, ORCH_AGENT_NAME: id, PEER: 'node_peer', PING_EVERY_MS: '60000' }
  delete env.ORCH_AGENT_TOKEN
  const proc = spawn('python3', ['-u', PY_AGENT], { env, stdio: ['ignore', 'pipe', 'pipe'] })
  strays.push(proc)
  let err = ''
  proc.stderr!.on('data', (b: Buffer) => (err += b.toString()))
  proc.stdout!.resume()
  const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)))
  return { proc, exited, stderr: () => err }
}

const logOf = (t: TestHome, id: string, stream: 'out' | 'err' = 'out'): string => {
  try {
    return readFileSync(join(t.paths.logsDir, `${id}.${stream}.log`), 'utf8')
  } catch {
    return ''
  }
}

const agent = async (id: string): Promise<AgentInfo | undefined> => (await orchJson<AgentInfo[]>(['ls'])).find((a) => a.id === id)

/** Connects as the agent 'probe' and collects the messages pushed to it. */
async function probe(t: TestHome): Promise<{ client: DaemonClient; inbox: WireMessage[] }> {
  // probe is declared `type: 'external'`: it joins without a token
  const client = await DaemonClient.connect(t.paths.socket, { client: 'agent', agent: 'probe' })
  clients.push(client)
  const inbox: WireMessage[] = []
  client.on('event', (f: EventFrame) => {
    if (f.event === 'message') inbox.push(f.data as WireMessage)
  })
  await client.call('queue.consume', {})
  return { client, inbox }
}

/** Sends a ping to py (or `to`) as a request and returns the reply, acked. */
async function roundTrip({ client, inbox }: { client: DaemonClient; inbox: WireMessage[] }, correlationId: string, payload: unknown, to = 'py'): Promise<WireMessage> {
  const { ids } = await client.call('queue.send', { to, type: 'ping', payload, correlationId, replyTo: 'probe', hops: 2 })
  expect(ids).toHaveLength(1)
  const reply = await waitFor(() => inbox.find((m) => m.correlationId === correlationId), `${to}'s reply to ${correlationId}`)
  expect(reply.inReplyTo).toBe(ids[0])
  expect(await client.call('queue.ack', { id: reply.id })).toEqual({ ok: true })
  // the request was acked: it is neither waiting, nor leased, nor dead
  await waitFor(async () => {
    const l = await client.call('queue.ls', { agent: to })
    return ![...l.pending, ...l.inFlight, ...l.dead].some((m) => m.id === ids[0])
  }, `${to} acked the ping`)
  return reply
}

describe.skipIf(!hasPython)('the Python example agent', () => {
  it('signals ready and answers a request with a reply to replyTo, same correlationId, hops + 1', async () => {
    const t = home()
    await startTeam(t)
    await waitFor(async () => (await agent('py'))?.status === 'online', 'py online')
    const events = (await orchJson<{ events: AgentEvent[] }>(['describe', 'py'])).events
    expect(events.at(-1)).toMatchObject({ to: 'online', reason: 'signalled ready' })

    // multi-byte characters cross the wire both ways
    const payload = { n: 42, text: 'héllo ✓ 日本' }
    const p = await probe(t)
    const reply = await roundTrip(p, 'corr-1', payload)
    expect(reply).toMatchObject({ from: 'py', to: 'probe', type: 'ping.reply', hops: 3, payload: { pong: payload, lang: 'python' } })
    expect(logOf(t, 'py')).toMatch(/^py received from probe: \{"n": 42, "text": /m)

    const ls = await p.client.call('queue.ls', { agent: 'probe' })
    expect(ls.counts).toEqual<QueueListingResult['counts']>({ pending: 0, inFlight: 0, dead: 0 })
  })

  it('sends its own pings to a Node agent, which prints them, and takes the Node replies', async () => {
    const t = home()
    await startTeam(t)
    await waitFor(() => /^node_peer received from py: \{"n":\d+,"from":"python"\}$/m.test(logOf(t, 'node_peer')), 'node_peer got a ping from py')
    await waitFor(() => /^py received from node_peer: \{"pong": \{"n": \d+, "from": "python"\}, "lang": "node"\}$/m.test(logOf(t, 'py')), 'py got the Node reply')
    // printed after the reply is handled, which may be a moment after the line above
    await waitFor(() => /^py ping \d+ answered in \d+ ms$/m.test(logOf(t, 'py')), 'py noting the round trip')
    expect(logOf(t, 'py', 'err')).toBe('')
  })

  it('reconnects after a daemon restart and answers again, as the same process', async () => {
    const t = home()
    await startTeam(t)
    await waitFor(async () => (await agent('py'))?.status === 'online', 'py online')
    await roundTrip(await probe(t), 'before', { n: 1 })
    const pid = (await agent('py'))!.pid
    for (const c of clients) c.close()
    clients = []

    await orchJson(['daemon', 'restart'])
    await waitFor(() => /^py disconnected: /m.test(logOf(t, 'py', 'err')), 'py saw the daemon go')
    // a new daemon, a new connection: the probe reconnects too
    const reply = await roundTrip(await probe(t), 'after', { n: 2 })
    expect(reply.payload).toEqual({ pong: { n: 2 }, lang: 'python' })
    expect((await agent('py'))!.pid).toBe(pid)
    expect(logOf(t, 'py').match(/^py connected to daemon pid \d+/gm)).toHaveLength(2)
  })

  it('renews its lease while a handler outlasts it: a 3 s ping under a 1 s leaseTimeout is handled once', async () => {
    const t = home()
    await startTeam(t, { leaseTimeout: '1s', env: { PEER: 'node_peer', PING_EVERY_MS: '60000', WORK_MS: '3000' } })
    await waitFor(async () => (await agent('py'))?.status === 'online', 'py online')
    const { client, inbox } = await probe(t)
    const sentAt = Date.now()
    const { ids } = await client.call('queue.send', { to: 'py', type: 'ping', payload: { n: 7 }, correlationId: 'slow', replyTo: 'probe' })

    // Watch the ping while py works on it: every look must find it leased to py, never requeued.
    const seen: Array<{ at: number; where: string; attempts: number; leaseExpiresAt?: number }> = []
    const reply = await waitFor(
      async () => {
        const l = await client.call('queue.ls', { agent: 'py' })
        const f = l.inFlight.find((m) => m.id === ids[0])
        if (f) seen.push({ at: Date.now(), where: f.leasedTo, attempts: f.attempts, leaseExpiresAt: f.leaseExpiresAt })
        const p = [...l.pending, ...l.dead].find((m) => m.id === ids[0])
        if (p) seen.push({ at: Date.now(), where: p.deadAt ? 'dead' : 'pending', attempts: p.attempts })
        return inbox.find((m) => m.correlationId === 'slow')
      },
      "py's slow reply",
      20_000,
    )
    expect(reply).toMatchObject({ from: 'py', inReplyTo: ids[0], payload: { pong: { n: 7 }, lang: 'python' } })
    expect(Date.now() - sentAt).toBeGreaterThanOrEqual(3000)
    expect(seen.filter((s) => s.where !== 'py' || s.attempts !== 0)).toEqual([])
    // still leased well past the first lease's end: it was renewed, several times
    const late = seen.filter((s) => s.at - sentAt > 2000)
    expect(late.length).toBeGreaterThan(0)
    expect(new Set(seen.map((s) => s.leaseExpiresAt)).size).toBeGreaterThan(2)

    await client.call('queue.ack', { id: reply.id })
    await waitFor(async () => {
      const l = await client.call('queue.ls', { agent: 'py' })
      return ![...l.pending, ...l.inFlight, ...l.dead].some((m) => m.id === ids[0])
    }, 'py acked the slow ping')
    expect(logOf(t, 'py').match(/^py received from probe: /gm)).toHaveLength(1)
    expect(inbox.filter((m) => m.correlationId === 'slow')).toHaveLength(1)
    expect(logOf(t, 'py', 'err')).toBe('')
  })

  it('drops (acks, never handles) a second reply, a late one without inReplyTo, and one to a request it never sent', async () => {
    const t = home()
    // py pings the probe, which answers its first ping three times
    await startTeam(t, { env: { PEER: 'probe', PING_EVERY_MS: '300' } })
    const { client, inbox } = await probe(t)
    const ping = await waitFor(() => inbox.find((m) => m.type === 'ping' && m.from === 'py'), 'a ping from py')
    const answer = { to: ping.replyTo!, type: 'ping.reply', payload: { pong: ping.payload, lang: 'probe' }, correlationId: ping.correlationId!, hops: ping.hops + 1 }
    const sent: string[] = []
    // the reply; the same again (the probe ran twice under at-least-once); again from a peer that predates inReplyTo
    for (const extra of [{ inReplyTo: ping.id }, { inReplyTo: ping.id }, {}]) sent.push(...(await client.call('queue.send', { ...answer, ...extra })).ids)
    sent.push(...(await client.call('queue.send', { ...answer, correlationId: 'never-asked', inReplyTo: 'no-such-request' })).ids)
    await client.call('queue.ack', { id: ping.id })

    await waitFor(() => (logOf(t, 'py').match(/^py dropped a ping\.reply from probe: no pending request/gm) ?? []).length === 3, 'py dropped three')
    const n = (ping.payload as { n: number }).n
    expect(logOf(t, 'py').match(new RegExp(`^py ping ${n} answered in \\d+ ms$`, 'gm'))).toHaveLength(1)
    expect(logOf(t, 'py').match(/^py received from probe: /gm)).toHaveLength(1)
    await waitFor(async () => {
      const l = await client.call('queue.ls', { agent: 'py' })
      return ![...l.pending, ...l.inFlight, ...l.dead].some((m) => sent.includes(m.id))
    }, 'py acked all four')
    expect((await client.call('queue.dead', {})).dead.filter((m) => sent.includes(m.id))).toEqual([])
    expect(logOf(t, 'py', 'err')).toBe('')
  })

  it("acks a ping from `orch send` although its reply has nowhere to go: a warning, not a retry", async () => {
    const t = home()
    await startTeam(t, { env: { PEER: 'node_peer', PING_EVERY_MS: '60000' } })
    await waitFor(async () => (await agent('py'))?.status === 'online', 'py online')
    const { ids } = await orchJson<{ ids: string[] }>(['send', 'py', 'ping', '{"n":5}'])
    await waitFor(() => /^warning: reply not delivered: .*'cli'/m.test(logOf(t, 'py', 'err')), "py's warning")
    await waitFor(async () => {
      const l = await orchJson<QueueListingResult>(['queue', 'ls', 'py'])
      return ![...l.pending, ...l.inFlight, ...l.dead].some((m) => m.id === ids[0])
    }, 'py acked the ping')
    expect(logOf(t, 'py').match(/^py received from cli: /gm)).toHaveLength(1)
  })

  it('exits with the daemon\'s reason when refused; joins without a token once declared external', async () => {
    const t = home()
    await startTeam(t, {}, [{ name: 'py_ext', type: 'external' }])
    await waitFor(async () => (await agent('py'))?.status === 'online', 'py online')

    // py is an agent orch spawns: a second copy started by hand has no token and is refused
    const impostor = runByHand(t, 'py')
    expect(await impostor.exited).toBe(1)
    expect(impostor.stderr()).toMatch(/^py: E_AGENT_REFUSED: .+/m)
    expect((await agent('py'))!.status).toBe('online')

    // py_ext is declared `type: 'external'`: the same program joins, and orch ls lists it with its pid
    expect((await agent('py_ext'))?.status).toBe('starting')
    const ext = runByHand(t, 'py_ext')
    const listed = await waitFor(async () => {
      const a = await agent('py_ext')
      return a?.status === 'online' && a
    }, 'py_ext online')
    expect(listed).toMatchObject({ type: 'external', pid: ext.proc.pid })
    const reply = await roundTrip(await probe(t), 'ext', { n: 3 }, 'py_ext')
    expect(reply).toMatchObject({ from: 'py_ext', to: 'probe', payload: { pong: { n: 3 }, lang: 'python' } })
    expect(isAlive(ext.proc.pid!)).toBe(true)
  })
})
