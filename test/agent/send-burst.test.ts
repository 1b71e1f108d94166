import { afterEach, describe, expect, it } from 'vitest'
import { Team } from './sdk-team.js'

let team: Team
afterEach(async () => {
  await team?.stop()
})

describe('a burst of sends in one tick', () => {
  // 22,000 ids make a sendMany answer over the 1 MiB frame limit: every message was stored, yet all were reported failed.
  it('resolves all 22,000, each message stored once', async () => {
    team = new Team()
    await team.start([], { externals: ['burst', 'sink'] })
    const agent = await team.agent('burst')
    const n = 22_000
    const results = await Promise.allSettled(Array.from({ length: n }, (_, i) => agent.send('sink', 'item', i)))
    const failed = results.filter((r) => r.status === 'rejected')
    expect(failed.length, String((failed[0] as PromiseRejectedResult | undefined)?.reason)).toBe(0)
    const ids = results.flatMap((r) => (r.status === 'fulfilled' ? r.value : []))
    expect(new Set(ids).size).toBe(n)
    const cli = await team.cli()
    expect((await cli.call('queue.ls', { agent: 'sink' })).counts.pending).toBe(n)
  }, 60_000)
})
