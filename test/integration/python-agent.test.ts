import { execFileSync } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'
import { DaemonClient } from '../../src/core/client/daemon-client.js'
import type { EventFrame } from '../../src/core/protocol/frames.js'
import type { AgentEvent, AgentInfo, QueueListingResult, WireMessage } from '../../src/core/protocol/types.js'
import { cleanup, fixture, makeHome, orchJson, ROOT, waitFor, writeConfig, type TestHome } from '../helpers/orch.js'

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
const c = await DaemonClient.connect(process.env.ORCH_SOCKET, { client: 'agent', agent: me })
c.on('close', () => process.exit(1))
c.on('event', async ({ event, data: m }) => {
  if (event !== 'message') return
  console.log(\`\${me} received from \${m.from}: \${JSON.stringify(m.payload)}\`)
  if (m.type === 'ping') {
    const reply = { to: m.replyTo ?? m.from, type: 'ping.reply', payload: { pong: m.payload, lang: 'node' }, hops: m.hops + 1 }
    await c.call('queue.send', m.correlationId ? { ...reply, correlationId: m.correlationId } : reply)
  }
  await c.call('queue.ack', { id: m.id })
})
await c.call('agent.ready', {})
await c.call('queue.consume', {})
`

let homes: TestHome[] = []
let clients: DaemonClient[] = []
const home = (): TestHome => {
  const t = makeHome()
  homes.push(t)
  return t
}
afterEach(async () => {
  for (const c of clients) c.close()
  clients = []
  for (const t of homes) await cleanup(t)
  homes = []
})

/** py (Python, process type), node_peer (Node), and probe: a name the test connects as (its process never connects). */
async function startTeam(t: TestHome): Promise<void> {
  const peer = join(t.home, 'node-peer.mjs')
  writeFileSync(peer, NODE_PEER(pathToFileURL(join(ROOT, 'dist', 'src', 'core', 'client', 'daemon-client.js')).href))
  const cfg = writeConfig(t, [
    // startGrace 60s: py can only be online this soon by signalling ready
    { name: 'py', type: 'process', command: 'python3', args: ['-u', PY_AGENT], env: { PEER: 'node_peer', PING_EVERY_MS: '200' }, startGrace: '60s' },
    { name: 'node_peer', script: peer },
    { name: 'probe', script: fixture('tick.js'), env: { TICK_MS: '60000' } },
  ])
  await orchJson(['start', cfg])
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
  const client = await DaemonClient.connect(t.paths.socket, { client: 'agent', agent: 'probe' })
  clients.push(client)
  const inbox: WireMessage[] = []
  client.on('event', (f: EventFrame) => {
    if (f.event === 'message') inbox.push(f.data as WireMessage)
  })
  await client.call('queue.consume', {})
  return { client, inbox }
}

/** Sends a ping to py as a request and returns py's reply, acked. */
async function roundTrip({ client, inbox }: { client: DaemonClient; inbox: WireMessage[] }, correlationId: string, payload: unknown): Promise<WireMessage> {
  const { ids } = await client.call('queue.send', { to: 'py', type: 'ping', payload, correlationId, replyTo: 'probe', hops: 2 })
  expect(ids).toHaveLength(1)
  const reply = await waitFor(() => inbox.find((m) => m.correlationId === correlationId), `py's reply to ${correlationId}`)
  expect(await client.call('queue.ack', { id: reply.id })).toEqual({ ok: true })
  // py acked the request: it is neither waiting, nor leased, nor dead
  await waitFor(async () => {
    const l = await client.call('queue.ls', { agent: 'py' })
    return ![...l.pending, ...l.inFlight, ...l.dead].some((m) => m.id === ids[0])
  }, 'py acked the ping')
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
    expect(logOf(t, 'py')).toMatch(/^py ping \d+ answered in \d+ ms$/m)
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
})
