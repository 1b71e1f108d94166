// Replies cannot duplicate work: a second or late reply is dropped; a reply nobody can receive does not fail the handler.
import { afterEach, expect, it } from 'vitest'
import type { AgentMessage } from '../../src/agent/index.js'
import { fixture, orchJson, waitFor } from '../helpers/orch.js'
import { Team } from './sdk-team.js'

let team: Team
afterEach(async () => {
  await team?.stop()
})

async function queueEmpty(team: Team): Promise<{ pending: number; inFlight: number; dead: number }> {
  const cli = await team.cli()
  return waitFor(async () => {
    const c = (await cli.call('queue.ls', {})).counts
    return c.pending + c.inFlight === 0 && c
  }, 'the queue empty')
}

it('a duplicate reply to an answered request is acked and dropped: no handler call, no dead letter', async () => {
  team = new Team()
  await team.start([{ name: 'echo', script: fixture('sdk-echo.js') }], { externals: ['tester'] })
  const tester = await team.agent('tester', { logLevel: 'debug' })
  const handled: AgentMessage[] = []
  tester.onMessage((m) => {
    handled.push(m)
  })
  const typed: AgentMessage[] = []
  tester.onMessage('other.reply', (m) => {
    typed.push(m)
  })
  const reply = await tester.request('echo', 'greet', 'hi', { timeout: 10_000 })
  expect(reply.inReplyTo).toEqual(expect.any(String))

  const cli = await team.cli()
  const dropped = (id: string): unknown => team.agentLog().find((l) => l.msg === 'dropped a reply that matches no pending request' && l.messageId === id)
  // what an at-least-once redelivery of the request would produce: the same reply again
  const dup = (await cli.call('queue.send', { to: 'tester', type: 'greet.reply', payload: 'again', correlationId: reply.correlationId!, inReplyTo: reply.inReplyTo! })).ids[0]!
  expect(await waitFor(() => dropped(dup), 'the duplicate dropped')).toMatchObject({ level: 'debug', type: 'greet.reply', reason: expect.stringMatching(/already answered/) })
  // the same from an SDK that does not set inReplyTo: matched by correlationId alone
  const old = (await cli.call('queue.send', { to: 'tester', type: 'greet.reply', payload: 'again', correlationId: reply.correlationId! })).ids[0]!
  await waitFor(() => dropped(old), 'the correlationId-only duplicate dropped')
  // a reply to no request of the tester's, of a type no handler takes by name
  const stray = (await cli.call('queue.send', { to: 'tester', type: 'greet.reply', payload: 'stray', inReplyTo: 'f00d' })).ids[0]!
  await waitFor(() => dropped(stray), 'the stray reply dropped')
  // a reply routed here on purpose (replyTo) reaches the handler registered for its very type
  const routed = (await cli.call('queue.send', { to: 'tester', type: 'other.reply', payload: 'mine', inReplyTo: 'beef' })).ids[0]!
  await waitFor(() => typed.length === 1, 'the routed reply handled')
  expect(typed[0]).toMatchObject({ id: routed, payload: 'mine' })

  expect((await queueEmpty(team)).dead).toBe(0)
  expect(handled).toEqual([])
  expect(team.agentLog().filter((l) => l.level === 'warn' || l.level === 'error')).toEqual([])
})

it('a reply to a request sent from the CLI (orch send), which cannot receive, is a warning: the handler succeeds, the message is acked once', async () => {
  team = new Team()
  await team.start([{ name: 'echo', script: fixture('sdk-echo.js') }])
  const { ids } = await orchJson<{ ids: string[] }>(['send', 'echo', 'greet', '"from the cli"'])
  const warning = await waitFor(() => team.logLines('echo').find((l) => l.msg === 'reply not delivered: the requester cannot receive'), 'the warning')
  expect(warning).toMatchObject({ level: 'warn', to: expect.stringMatching(/^cli/), type: 'greet.reply', inReplyTo: ids[0], messageId: ids[0], error: expect.stringMatching(/unknown recipient/) })
  expect((await queueEmpty(team)).dead).toBe(0)
  expect(team.logLines('echo').filter((l) => l.msg === 'echoing')).toHaveLength(1)
  expect(team.logLines('echo').filter((l) => l.msg === 'handler failed; message nacked')).toEqual([])
})
