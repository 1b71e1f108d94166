import { afterEach, expect, it } from 'vitest'
import { fixture, isAlive, waitFor } from '../helpers/orch.js'
import { Team } from './sdk-team.js'

let team: Team
afterEach(async () => {
  await team?.stop()
})

it('a message bounced between two agents stops at the hop limit, and both agents live on', async () => {
  team = new Team()
  const before = await team.start([
    { name: 'ping', script: fixture('sdk-bounce.js'), env: { PEER: 'pong' } },
    { name: 'pong', script: fixture('sdk-bounce.js'), env: { PEER: 'ping' } },
  ])
  const cli = await team.cli()
  await cli.call('queue.send', { to: 'ping', type: 'bounce', payload: 'ball' })
  // hops 0 at ping, 1 at pong … 16 at ping, whose send of hops 17 is refused
  const refused = await waitFor(() => team.logLines('ping').find((l) => l.msg === 'bounce refused'), 'the refusal')
  expect(refused).toMatchObject({ hops: 16, code: 'E_INVALID_MESSAGE', error: expect.stringMatching(/hops 17 is over the limit of 16/) })
  expect(team.logLines('pong').filter((l) => l.msg === 'bounce refused')).toEqual([])
  const cliQueue = await waitFor(async () => {
    const c = (await cli.call('queue.ls', {})).counts
    return c.pending + c.inFlight === 0 && c
  }, 'the queue empty')
  expect(cliQueue.dead).toBe(0)
  const after = await team.ls()
  expect(after.map((a) => [a.name, a.status, a.restarts, a.pid])).toEqual(before.map((a) => [a.name, 'online', 0, a.pid]))
  for (const a of after) expect(isAlive(a.pid!)).toBe(true)
})
