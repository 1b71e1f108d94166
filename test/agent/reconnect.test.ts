import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { RequestTimeoutError } from '../../src/agent/index.js'
import { fixture, isAlive, orchJson, waitFor } from '../helpers/orch.js'
import { Team } from './sdk-team.js'

let team: Team
afterEach(async () => {
  await team?.stop()
})

async function sendAll(team: Team, payloads: string[]): Promise<void> {
  const cli = await team.cli()
  for (const p of payloads) await cli.call('queue.send', { to: 'collect', type: 'item', payload: p })
}

function got(team: Team): unknown[] {
  return team.logLines('collect').flatMap((l) => (l.msg === 'got' ? [l.payload] : []))
}

async function bothSidesOfARestart(restart: () => Promise<number>): Promise<void> {
  team = new Team()
  const [agent] = await team.start([{ name: 'collect', script: fixture('sdk-collect.js') }])
  await sendAll(team, ['a1', 'a2', 'a3'])
  await waitFor(() => got(team).length === 3, 'the first three')
  const cli = await team.cli()
  await waitFor(async () => {
    const c = (await cli.call('queue.ls', { agent: 'collect' })).counts
    return c.pending + c.inFlight === 0
  }, 'the first three acked')
  const newPid = await restart()
  // sent right away: the agent may not have reconnected yet; the queue holds them
  await sendAll(team, ['b1', 'b2', 'b3'])
  // at-least-once: a duplicate is allowed, a loss is not
  await waitFor(() => new Set(got(team)).size === 7, 'the rest and the note')
  expect([...new Set(got(team))].sort()).toEqual(['a1', 'a2', 'a3', 'b1', 'b2', 'b3', 'sent while disconnected'])
  const msgs = team.logLines('collect').map((l) => l.msg)
  expect(msgs).toContain('lost the daemon; reconnecting')
  expect(msgs).toContain('reconnected to the daemon')
  expect((await orchJson<{ pid: number }>(['daemon', 'status'])).pid).toBe(newPid)
  const [after] = await team.ls()
  expect(after).toMatchObject({ pid: agent!.pid, status: 'online' })
}

describe('reconnect', () => {
  it('keeps receiving after orch daemon restart; a send made while disconnected goes out after', async () => {
    await bothSidesOfARestart(async () => {
      const { pid: old } = await orchJson<{ pid: number }>(['daemon', 'status'])
      const { pid } = await orchJson<{ pid: number }>(['daemon', 'restart'])
      expect(pid).not.toBe(old)
      return pid
    })
  })

  it('comes back after kill -9 of the daemon once any orch command starts a new one', async () => {
    await bothSidesOfARestart(async () => {
      const { pid: old } = await orchJson<{ pid: number }>(['daemon', 'status'])
      process.kill(old, 'SIGKILL')
      await waitFor(() => !isAlive(old), 'the daemon dead')
      await orchJson(['ls'])
      return (await orchJson<{ pid: number }>(['daemon', 'status'])).pid
    })
  })
})

it("a pending request survives a daemon restart: the reply comes after the SDK reconnects", async () => {
  team = new Team()
  await team.start([{ name: 'echo', script: fixture('sdk-echo.js') }], { externals: ['tester'] })
  const tester = await team.agent()
  const events: string[] = []
  tester.on('disconnected', () => events.push('disconnected')).on('reconnected', () => events.push('reconnected'))
  await orchJson(['stop', 'echo'])
  const reply = tester.request('echo', 'greet', 'still there?', { timeout: 20_000 })
  await waitFor(async () => {
    const cli = await team.cli()
    return (await cli.call('queue.ls', {})).counts.pending === 1
  }, 'the request stored')
  await orchJson(['daemon', 'restart'])
  await waitFor(() => events.includes('reconnected') && tester.connected, 'the tester reconnected')
  await orchJson(['start', 'echo'])
  await expect(reply).resolves.toMatchObject({ type: 'greet.reply', payload: 'still there?' })
  expect(events).toEqual(['disconnected', 'reconnected'])
})

it('requests made while the daemon is stopped: a short one rejects with RequestTimeoutError, a long one is sent after the reconnect and answered; nothing rejects unhandled', async () => {
  const unhandled: unknown[] = []
  const onUnhandled = (reason: unknown): void => {
    unhandled.push(reason)
  }
  process.on('unhandledRejection', onUnhandled)
  try {
    team = new Team()
    await team.start([{ name: 'echo', script: fixture('sdk-echo.js') }], { externals: ['tester'] })
    const tester = await team.agent()
    await expect(tester.request('echo', 'greet', 'before', { timeout: 10_000 })).resolves.toMatchObject({ payload: 'before' })
    await orchJson(['daemon', 'stop'])
    await waitFor(() => !tester.connected, 'the tester disconnected')
    const short = tester.request('echo', 'greet', 'short', { timeout: 200 })
    const long = tester.request('echo', 'greet', 'long', { timeout: 20_000 })
    // the short one's timer fires while its send still waits for a daemon (bounded: a hang fails here, not at the test's timeout)
    let err: unknown
    short.catch((e: unknown) => (err = e))
    await waitFor(() => err, 'the short request rejected', 5_000)
    expect(err).toBeInstanceOf(RequestTimeoutError)
    expect(err).toMatchObject({ code: 'E_TIMEOUT', data: { to: 'echo', type: 'greet', timeoutMs: 200 } })
    expect(tester.connected).toBe(false)
    await orchJson(['ls'])
    await expect(long).resolves.toMatchObject({ type: 'greet.reply', payload: 'long' })
    // the short one timed out before the daemon came back: nobody waits for it, so it was never sent
    await expect(tester.request('echo', 'greet', 'last', { timeout: 10_000 })).resolves.toMatchObject({ payload: 'last' })
    // (counted by payload: at-least-once may hand 'before' to echo again after the restart)
    const echoed = readFileSync(join(team.t.paths.logsDir, 'echo.out.log'), 'utf8').match(/"msg":"echoing".*"payload":"short"/g) ?? []
    expect(echoed).toEqual([])
    expect(unhandled).toEqual([])
  } finally {
    process.off('unhandledRejection', onUnhandled)
  }
})
