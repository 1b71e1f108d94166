import { afterEach, describe, expect, it } from 'vitest'
import { RequestTimeoutError, type AgentMessage } from '../../src/agent/index.js'
import { fixture, waitFor } from '../helpers/orch.js'
import { Team } from './sdk-team.js'

let team: Team
afterEach(async () => {
  await team?.stop()
})

describe('request / reply', () => {
  it('gets the reply of an echo agent, which never reaches onMessage; many requests in flight each get their own', async () => {
    team = new Team()
    await team.start([{ name: 'echo', script: fixture('sdk-echo.js') }], { externals: ['tester'] })
    const tester = await team.agent()
    const handled: AgentMessage[] = []
    tester.onMessage((m) => {
      handled.push(m)
    })

    const reply = await tester.request<{ hi: number }>('echo', 'greet', { hi: 1 }, { timeout: 10_000 })
    expect(reply).toMatchObject({ from: 'echo', to: 'tester', type: 'greet.reply', payload: { hi: 1 }, hops: 1, inReplyTo: expect.any(String) })
    expect(reply.correlationId).toMatch(/^[0-9a-f-]{36}$/)

    const replies = await Promise.all(Array.from({ length: 20 }, (_, i) => tester.request('echo', 'n', i, { timeout: 10_000 })))
    expect(replies.map((r) => r.payload)).toEqual(Array.from({ length: 20 }, (_, i) => i))
    expect(new Set(replies.map((r) => r.correlationId)).size).toBe(20)
    expect(handled).toEqual([])
    // every reply acked (in batches), and none dead-lettered
    const cli = await team.cli()
    const counts = await waitFor(async () => {
      const c = (await cli.call('queue.ls', {})).counts
      return c.pending + c.inFlight === 0 && c
    }, 'the queue empty')
    expect(counts.dead).toBe(0)
  })

  it("logs inside a handler carry the handled message's correlationId and id", async () => {
    team = new Team()
    await team.start([{ name: 'echo', script: fixture('sdk-echo.js') }], { externals: ['tester'] })
    const tester = await team.agent()
    const reply = await tester.request('echo', 'greet', 'hello', { timeout: 10_000 })
    const line = await waitFor(() => team.logLines('echo').find((l) => l.msg === 'echoing'), 'the echo log line')
    expect(line).toMatchObject({ level: 'info', agent: 'echo', type: 'greet', correlationId: reply.correlationId, messageId: expect.any(String) })
    expect(Date.parse(line.time as string)).not.toBeNaN()
    expect(line.messageId).not.toBe(reply.id)
  })

  it('a request nobody answers rejects with RequestTimeoutError (E_TIMEOUT)', async () => {
    team = new Team()
    await team.start([{ name: 'silent', script: fixture('sdk-silent.js') }], { externals: ['tester'] })
    const tester = await team.agent()
    const err = await tester.request('silent', 'ping', null, { timeout: 300 }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(RequestTimeoutError)
    expect(err).toMatchObject({ code: 'E_TIMEOUT', data: { to: 'silent', type: 'ping', timeoutMs: 300 } })
    expect((err as Error).message).toMatch(/no reply from 'silent' to 'ping' within 300 ms/)
  })

  it('a send the daemon refuses rejects with its code', async () => {
    team = new Team()
    await team.start([{ name: 'silent', script: fixture('sdk-silent.js') }], { externals: ['tester'] })
    const tester = await team.agent()
    await expect(tester.send('nobody', 'x', 1)).rejects.toMatchObject({ code: 'E_UNKNOWN_RECIPIENT' })
    await expect(tester.request('nobody', 'x', 1, { timeout: 5_000 })).rejects.toMatchObject({ code: 'E_UNKNOWN_RECIPIENT' })
  })
})
