import { afterEach, expect, it } from 'vitest'
import { fixture, waitFor } from '../helpers/orch.js'
import { Team } from './sdk-team.js'

let team: Team
afterEach(async () => {
  await team?.stop()
})

it('a handler that throws nacks; the message comes back with attempts + 1 and is dead-lettered after 5', async () => {
  team = new Team()
  await team.start([{ name: 'failer', script: fixture('sdk-fail.js') }])
  const cli = await team.cli()
  const { ids } = await cli.call('queue.send', { to: 'failer', type: 'job', payload: { n: 1 } })
  const id = ids[0]!
  const dead = await waitFor(async () => (await cli.call('queue.dead', {})).dead.find((m) => m.id === id), 'the dead letter')
  expect(dead).toMatchObject({ type: 'job', attempts: 5, lastError: 'boom 4' })
  const nacks = team.logLines('failer').filter((l) => l.msg === 'handler failed; message nacked')
  expect(nacks.map((l) => [l.messageId, l.attempts, l.error])).toEqual([0, 1, 2, 3, 4].map((n) => [id, n, `boom ${n}`]))
  const [agent] = await team.ls()
  expect(agent).toMatchObject({ status: 'online', restarts: 0 })
})
