import { afterEach, expect, it } from 'vitest'
import { fixture, waitFor } from '../helpers/orch.js'
import { Team } from './sdk-team.js'

let team: Team
afterEach(async () => {
  await team?.stop()
})

it('publish reaches every subscriber once; after unsubscribe, no more', async () => {
  team = new Team()
  await team.start([
    { name: 'sub_a', script: fixture('sdk-subscriber.js'), env: { TOPIC: 'news' } },
    { name: 'sub_b', script: fixture('sdk-subscriber.js'), env: { TOPIC: 'news' } },
  ], { externals: ['tester'] })
  const tester = await team.agent()
  const ids = await tester.publish('news', 'headline', { text: 'hello' })
  expect(ids).toHaveLength(2)
  for (const name of ['sub_a', 'sub_b']) {
    const got = await waitFor(() => team.logLines(name).find((l) => l.msg === 'got'), `${name} got the headline`)
    expect(got).toMatchObject({ type: 'headline', topic: 'news', payload: { text: 'hello' } })
  }

  // the tester subscribes too, receives a copy, then unsubscribes and receives none
  const mine: unknown[] = []
  tester.onMessage('headline', (m) => {
    mine.push(m.payload)
  })
  await tester.subscribe('topic:news')
  expect(await tester.publish('news', 'headline', 2)).toHaveLength(3)
  await waitFor(() => mine.length === 1, 'the tester got its copy')
  await tester.unsubscribe('news')
  expect(await tester.publish('news', 'headline', 3)).toHaveLength(2)
  for (const name of ['sub_a', 'sub_b']) {
    await waitFor(() => team.logLines(name).filter((l) => l.msg === 'got').length === 3, `${name} got all three`)
  }
  expect(mine).toEqual([2])
})
