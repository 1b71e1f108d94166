import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { agentLogPaths } from '../../src/core/paths.js'
import type { AgentDescription, AgentInfo, QueueListingResult } from '../../src/core/protocol/types.js'
import { fixture, orch, orchJson, useHomes, waitFor, writeConfig, type TestHome } from '../helpers/orch.js'

const home = useHomes()

const IDS = ['holder:0', 'holder:1', 'holder:2']

/** What the q-hold-release fixtures received, one line per delivery. */
const received = (file: string): Array<{ agent: string; id: string; type: string }> =>
  existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l)) : []

const ls = (): Promise<AgentInfo[]> => orchJson<AgentInfo[]>(['ls'])
const counts = async (agent?: string): Promise<QueueListingResult['counts']> => (await orchJson<QueueListingResult>(['queue', 'ls', ...(agent ? [agent] : [])])).counts
const sum = (rows: AgentInfo[], field: 'inbox' | 'inFlight'): number => rows.reduce((n, r) => n + r[field], 0)

async function sendMany(to: string, n: number): Promise<void> {
  for (let i = 0; i < n; i++) await orchJson(['send', to, `to-${to}`, String(i)])
}

/** Three instances that hold up to two messages each without acking, until SIGUSR2. */
function holders(t: TestHome, file: string): string {
  return writeConfig(t, [{ name: 'holder', script: fixture('q-hold-release.js'), instances: 3, concurrency: 2, env: { RECORD_FILE: file }, startGrace: '100ms' }])
}

describe('orch ls: inbox and in flight per instance', () => {
  it("counts each pending message once over a name's rows, and what the agents hold as in flight, until they ack", async () => {
    const t = home()
    const file = join(t.home, 'received.jsonl')
    await orchJson(['start', holders(t, file)])
    // each one prints this once its queue.consume has been answered: from then on it takes the name's messages
    for (const id of IDS) await waitFor(() => existsSync(agentLogPaths(t.paths, id).out) && readFileSync(agentLogPaths(t.paths, id).out, 'utf8').includes('consuming'), `${id} consuming`)

    // 10 to the name: 6 are taken (2 each), 4 wait; then 2 to holder:1, which waits for it
    await sendMany('holder', 10)
    await waitFor(() => received(file).length === 6, 'six messages held')
    await sendMany('holder:1', 2)
    expect(await counts()).toEqual({ pending: 6, inFlight: 6, dead: 0 })

    const rows = await ls()
    expect(rows.map((r) => r.id)).toEqual(IDS)
    // the name's 4 are shared 2, 1, 1 over the three consuming instances; holder:1 adds its own 2
    expect(rows.map((r) => r.inbox)).toEqual([2, 1 + 2, 1])
    expect(sum(rows, 'inbox')).toBe((await counts('holder')).pending)
    // in flight is what each agent holds, as the agents themselves recorded it
    const held = received(file)
    expect(rows.map((r) => r.inFlight)).toEqual(IDS.map((id) => held.filter((m) => m.agent === id).length))
    expect(rows.map((r) => r.inFlight)).toEqual([2, 2, 2])
    // no message counted twice, none left out
    expect(sum(rows, 'inbox') + sum(rows, 'inFlight')).toBe(12)

    // the table has both columns, side by side
    const table = (await orch(['ls'])).stdout.split('\n')
    expect(table[0]).toMatch(/\binbox +in flight$/)
    expect(table[2]).toMatch(/^holder:1\s.*\s3 +2$/)
    // describe too
    const described = await orchJson<AgentDescription>(['describe', 'holder:1'])
    expect(described).toMatchObject({ inbox: 3, inFlight: 2 })
    const text = (await orch(['describe', 'holder:1'])).stdout
    expect(text).toMatch(/^inbox +3$/m)
    expect(text).toMatch(/^in flight +2$/m)

    // the agents ack what they hold, and all that comes after: both go to 0
    for (const r of rows) process.kill(r.pid!, 'SIGUSR2')
    await waitFor(async () => {
      const c = await counts()
      return c.pending === 0 && c.inFlight === 0
    }, 'everything acked')
    expect(received(file)).toHaveLength(12)
    expect((await ls()).map((r) => [r.inbox, r.inFlight])).toEqual([
      [0, 0],
      [0, 0],
      [0, 0],
    ])
  })

  it("shares the name's messages over all the instances when none consumes: 10 over 3 is 4, 3, 3, not 10 each", async () => {
    const t = home()
    const file = join(t.home, 'received.jsonl')
    await orchJson(['start', holders(t, file)])
    await orchJson(['stop', 'holder'])
    await sendMany('holder', 10)
    await sendMany('holder:2', 1)
    const rows = await ls()
    expect(rows.map((r) => [r.id, r.inbox, r.inFlight])).toEqual([
      ['holder:0', 4, 0],
      ['holder:1', 3, 0],
      ['holder:2', 3 + 1, 0],
    ])
    expect(sum(rows, 'inbox')).toBe((await counts('holder')).pending)
  })
})
