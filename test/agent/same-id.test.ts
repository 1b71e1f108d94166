// One consumer per agent id: the newest connection takes the messages; the older one hears it and gets them back when that one closes.
import { afterEach, expect, it } from 'vitest'
import { waitFor } from '../helpers/orch.js'
import { Team } from './sdk-team.js'

let team: Team
afterEach(async () => {
  await team?.stop()
})

it("a second connection with the same id takes over ('replaced'); once it closes, the first receives again ('resumed')", async () => {
  team = new Team()
  await team.start([], { externals: ['tester'] })
  const cli = await team.cli()
  const first = await team.agent()
  const events: string[] = []
  first.on('replaced', () => events.push('replaced')).on('resumed', () => events.push('resumed'))
  const got1: unknown[] = []
  first.onMessage((m) => {
    got1.push(m.payload)
  })
  await cli.call('queue.send', { to: 'tester', type: 'note', payload: 'a' })
  await waitFor(() => got1.includes('a'), 'the first connection receiving')

  const second = await team.agent()
  const got2: unknown[] = []
  second.onMessage((m) => {
    got2.push(m.payload)
  })
  await waitFor(() => events.includes('replaced'), "the first hearing it was replaced")
  await cli.call('queue.send', { to: 'tester', type: 'note', payload: 'b' })
  await waitFor(() => got2.includes('b'), 'the second connection receiving')

  await second.close()
  await waitFor(() => events.includes('resumed'), 'the first hearing it is resumed')
  await cli.call('queue.send', { to: 'tester', type: 'note', payload: 'c' })
  await waitFor(() => got1.includes('c'), 'the first connection receiving again')
  expect(got1).toEqual(['a', 'c'])
  expect(got2).toEqual(['b'])
  expect(events).toEqual(['replaced', 'resumed'])
  expect((await cli.call('queue.ls', {})).counts).toMatchObject({ pending: 0, dead: 0 })
})
