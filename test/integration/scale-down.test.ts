import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { AgentInfo, WireMessage } from '../../src/core/protocol/types.js'
import type { LogLine } from '../../src/cli/log-files.js'
import { fixture, killDaemon, orch, orchJson, useHomes, waitFor, writeConfig, type TestHome } from '../helpers/orch.js'

const home = useHomes()

/** What the q-hold fixtures received (they never ack: everything stays leased to them). */
const held = (file: string): Array<{ agent: string; id: string; type: string }> =>
  existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l)) : []

const send = async (to: string, type: string, ...flags: string[]): Promise<string[]> => (await orchJson<{ ids: string[] }>(['send', to, type, ...flags])).ids

function workers(t: TestHome, instances: number, file: string): string {
  return writeConfig(t, [{ name: 'worker', script: fixture('q-hold.js'), instances, concurrency: 10, env: { RECORD_FILE: file, TOPIC: 'news' }, startGrace: '100ms' }])
}

describe('scaling instances down', () => {
  it('drops the subscriptions of removed instances, dead-letters what was addressed to them, and hides their logs', async () => {
    const t = home()
    const file = join(t.home, 'held.jsonl')
    await orchJson(['start', workers(t, 4, file)])
    // each instance subscribes before it consumes: once all four hold a hello, all four are subscribed
    for (let n = 0; n < 4; n++) await send(`worker:${n}`, 'hello')
    await waitFor(() => new Set(held(file).map((m) => m.agent)).size === 4, 'four instances consuming')
    expect(await send('topic:news', 'before')).toHaveLength(4)
    const [delayed] = await send('worker:3', 'later', '--delay', '1h')
    await waitFor(() => held(file).filter((m) => m.type === 'before').length === 4, 'topic copies held')

    await orchJson(['start', workers(t, 2, file)])
    expect((await orchJson<AgentInfo[]>(['ls'])).map((a) => a.id)).toEqual(['worker:0', 'worker:1'])

    // addressed to a removed instance: dead letters, with the reason; nothing re-routed
    const dead = await orchJson<WireMessage[]>(['queue', 'dead'])
    const removed3 = 'instance worker:3 was removed (instances 4 → 2)'
    expect(dead.filter((m) => m.to === 'worker:3').map((m) => [m.type, m.lastError]).sort()).toEqual([
      ['before', removed3],
      ['hello', removed3],
      ['later', removed3],
    ])
    expect(dead.find((m) => m.id === delayed)).toBeDefined()
    expect(dead.filter((m) => m.to === 'worker:2').every((m) => m.lastError === 'instance worker:2 was removed (instances 4 → 2)')).toBe(true)
    // and a new send to one is refused
    const refused = await orch(['send', 'worker:3', 'job'])
    expect(refused.error).toMatchObject({ code: 'E_UNKNOWN_RECIPIENT', message: expect.stringContaining("agent 'worker' has 2 instance(s): 0..1") })

    // only the remaining instances are subscribed, also in the store (a new daemon reads it)
    expect(await send('topic:news', 'after')).toHaveLength(2)
    killDaemon(t)
    expect(await send('topic:news', 'after restart')).toHaveLength(2)

    // their logs are no longer shown
    await waitFor(() => existsSync(join(t.paths.logsDir, 'worker.3.out.log')), 'worker:3 wrote a log')
    const lines = await orchJson<LogLine[]>(['logs', 'worker'])
    expect(new Set(lines.map((l) => l.agent))).toEqual(new Set(['worker:0', 'worker:1']))
    expect(new Set((await orchJson<LogLine[]>(['logs'])).map((l) => l.agent))).toEqual(new Set(['worker:0', 'worker:1']))
    const gone = await orch(['logs', 'worker:3'])
    expect(gone.error).toMatchObject({ code: 'E_UNKNOWN_AGENT' })
  })

  it('gives back at once what a removed instance held for the agent name, to the remaining instances', async () => {
    const t = home()
    const file = join(t.home, 'held.jsonl')
    await orchJson(['start', workers(t, 2, file)])
    for (let n = 0; n < 2; n++) await send(`worker:${n}`, 'hello')
    await waitFor(() => new Set(held(file).map((m) => m.agent)).size === 2, 'two instances consuming')
    const [job] = await send('worker', 'job')
    const [next] = await send('worker', 'job')
    await waitFor(() => held(file).filter((m) => m.type === 'job').length === 2, 'jobs held')
    await orchJson(['start', workers(t, 1, file)])
    // worker:1 is gone; worker:0's id is now `worker`, which also takes `worker:0`: its hello comes back to it
    const got = await waitFor(() => {
      const mine = held(file).filter((m) => m.agent === 'worker')
      return mine.length >= 3 && mine
    }, 'the single instance gets what the removed ones held', 10_000)
    expect(got.map((m) => m.id)).toEqual(expect.arrayContaining([job, next]))
    const dead = await orchJson<WireMessage[]>(['queue', 'dead'])
    expect(dead.map((m) => [m.to, m.type, m.lastError])).toEqual([['worker:1', 'hello', 'instance worker:1 was removed (instances 2 → 1)']])
  })
})
