// The SDK survives the daemon: agents exchanging requests in a loop live through a daemon restart and a kill -9,
// and every request they made is answered or rejected with a timeout inside the agent.
import { readFileSync } from 'node:fs'
import { afterEach, describe, expect, it } from 'vitest'
import { fixture, isAlive, killDaemon, orchJson, waitFor } from '../helpers/orch.js'
import { Team } from './sdk-team.js'

let team: Team
afterEach(async () => {
  await team?.stop()
})

const ASKERS = ['ask_a', 'ask_b'] as const

/** One asker's log, read as a conversation: what it asked (and whether connected then), and how each request ended. */
function conversation(id: string) {
  const lines = team.logLines(id)
  const asked = new Map<number, { connected: boolean; at: number }>()
  const answered = new Set<number>()
  const failed = new Map<number, string>()
  const reconnects: number[] = []
  const losses: number[] = []
  let stopped: number | undefined
  lines.forEach((l, at) => {
    if (l.msg === 'asking') asked.set(l.n as number, { connected: l.connected as boolean, at })
    else if (l.msg === 'answered') answered.add(l.n as number)
    else if (l.msg === 'request failed') failed.set(l.n as number, l.code as string)
    else if (l.msg === 'reconnected to the daemon') reconnects.push(at)
    else if (l.msg === 'lost the daemon; reconnecting') losses.push(at)
    else if (l.msg === 'stopped') stopped = l.asked as number
  })
  return { asked, answered, failed, reconnects, losses, stopped }
}

/** Some request asked after the last reconnect got its answer. */
function answeredSinceReconnect(id: string): boolean {
  const c = conversation(id)
  const since = c.reconnects.at(-1)
  return since !== undefined && [...c.answered].some((n) => c.asked.get(n)!.at > since)
}

async function exchangeThrough(outage: () => Promise<void>): Promise<void> {
  team = new Team()
  const before = await team.start([
    // a short timeout: requests made while the daemon is away time out before it is back
    { name: 'ask_a', script: fixture('sdk-asker.js'), env: { PEER: 'ask_b', TIMEOUT_MS: '300', INTERVAL_MS: '50' } },
    // a long one: requests made while the daemon is away go out after the reconnect and are answered
    { name: 'ask_b', script: fixture('sdk-asker.js'), env: { PEER: 'ask_a', TIMEOUT_MS: '10000', INTERVAL_MS: '50' } },
  ])
  await waitFor(() => ASKERS.every((id) => conversation(id).answered.size >= 3), 'both answering')
  const { pid: oldDaemon } = await orchJson<{ pid: number }>(['daemon', 'status'])

  await outage()

  await waitFor(() => ASKERS.every(answeredSinceReconnect), 'answers again on both sides', 20_000)
  expect((await orchJson<{ pid: number }>(['daemon', 'status'])).pid).not.toBe(oldDaemon)
  const cli = await team.cli()
  for (const id of ASKERS) await cli.call('queue.send', { to: id, type: 'stop' })
  await waitFor(() => ASKERS.every((id) => conversation(id).stopped !== undefined), 'both stopped asking')
  await waitFor(
    () =>
      ASKERS.every((id) => {
        const c = conversation(id)
        return c.answered.size + c.failed.size === c.stopped
      }),
    'every request settled',
    20_000,
  )
  for (const id of ASKERS) {
    const c = conversation(id)
    expect(c.asked.size).toBe(c.stopped)
    expect([...c.failed.values()].filter((code) => code !== 'E_TIMEOUT')).toEqual([])
    expect(c.losses.length).toBeGreaterThanOrEqual(1)
  }
  await waitFor(async () => {
    const c = (await cli.call('queue.ls', {})).counts
    return c.pending + c.inFlight === 0
  }, 'the queue empty')
  // a request nobody took before its requester stopped waiting expires (its ttl is the timeout); nothing else dies
  // (one leased when its ttl ran out dies when that delivery fails: 'expired (ttl); last delivery failed: …')
  const { dead } = await cli.call('queue.dead', {})
  expect(dead.filter((m) => !m.lastError?.startsWith('expired (ttl)'))).toEqual([])

  const after = await team.ls()
  expect(after.map((a) => [a.name, a.status, a.restarts, a.pid])).toEqual(before.map((a) => [a.name, 'online', 0, a.pid]))
  for (const a of after) expect(isAlive(a.pid!)).toBe(true)
}

describe('agents exchanging requests live through the daemon going away', () => {
  it('orch daemon restart', async () => {
    await exchangeThrough(async () => {
      await orchJson(['daemon', 'restart'])
    })
  }, 90_000)

  it('kill -9 of the daemon, held down until requests made meanwhile time out, then any orch command', async () => {
    await exchangeThrough(async () => {
      // with its watchdog, the daemon stays down until an orch command
      const pid = killDaemon(team.t)!
      await waitFor(() => !isAlive(pid), 'the daemon dead')
      // the case that used to crash an agent: a request made while disconnected whose timer fires before the daemon is back
      await waitFor(() => {
        const a = conversation('ask_a')
        return [...a.asked].some(([n, q]) => !q.connected && a.failed.get(n) === 'E_TIMEOUT')
      }, 'ask_a timing out a request made while the daemon was away')
      const askedAway = (id: string): number[] => [...conversation(id).asked].flatMap(([n, q]) => (q.connected ? [] : [n]))
      await waitFor(() => askedAway('ask_b').length > 0, 'ask_b asking while the daemon is away')
      await orchJson(['ls'])
      // what ask_b asked while the daemon was away went out after the reconnect and was answered
      await waitFor(() => askedAway('ask_b').some((n) => conversation('ask_b').answered.has(n)), 'an answer to a request made during the outage', 20_000)
    })
  }, 90_000)
})
