import { describe, expect, it } from 'vitest'
import type { AgentDescription, AgentInfo } from '../../src/core/protocol/types.js'
import { fixture, orch, orchJson, useHomes, waitFor, writeConfig } from '../helpers/orch.js'

const home = useHomes()

const describeAgent = (name: string): Promise<AgentDescription> => orchJson<AgentDescription>(['describe', name])
const lastReason = async (name: string): Promise<string | undefined> => (await describeAgent(name)).events.at(-1)?.reason
const status = async (id: string): Promise<string | undefined> => (await orchJson<AgentInfo[]>(['ls'])).find((a) => a.id === id)?.status

describe('orch describe all', () => {
  it('answers an empty list when no agent is defined, and every instance when some are', async () => {
    const t = home()
    expect(await orchJson(['describe', 'all'])).toEqual([])
    const human = await orch(['describe', 'all'])
    expect(human.error).toBeUndefined()
    expect(human.stdout.trim()).toBe('no agents; start some with: orch start ecosystem.config.ts')

    await orchJson(['start', writeConfig(t, [{ name: 'w', script: fixture('tick.js'), instances: 2 }])])
    expect((await orchJson<AgentDescription[]>(['describe', 'all'])).map((d) => d.id)).toEqual(['w:0', 'w:1'])
    expect((await orchJson<AgentDescription>(['describe', 'w:1'])).id).toBe('w:1')
  })
})

describe('dependsOn a target that cannot come online', () => {
  it('says it waits for an errored dependency', async () => {
    const t = home()
    const cfg = writeConfig(t, [
      { name: 'db', script: fixture('crash.js'), env: { CRASH_AFTER_MS: '20' }, maxRestarts: 1, backoff: { initial: '10ms' } },
      { name: 'app', script: fixture('tick.js'), dependsOn: ['db'], startGrace: '100ms' },
    ])
    await orchJson(['start', cfg])
    await waitFor(async () => (await status('db')) === 'errored', 'db errored')
    await waitFor(async () => (await lastReason('app')) === 'waiting for db (errored)', 'app says it waits for an errored db')
    expect(await status('app')).toBe('starting')
    expect((await orch(['describe', 'app'])).stdout).toContain('waiting for db (errored)')
  })

  it('says it waits for a stopped dependency, follows its state, and starts once it is online', async () => {
    const t = home()
    const cfg = writeConfig(t, [
      { name: 'db', script: fixture('tick.js'), startGrace: '300ms' },
      { name: 'app', script: fixture('tick.js'), dependsOn: ['db'], startGrace: '100ms' },
    ])
    await orchJson(['start', cfg])
    await waitFor(async () => (await status('app')) === 'online', 'app online')
    await orchJson(['stop', 'all'])
    await orchJson(['start', 'app'])
    expect(await lastReason('app')).toBe('waiting for db (stopped)')
    await orchJson(['start', 'db'])
    await waitFor(async () => (await status('app')) === 'online', 'app online again')
    const reasons = (await describeAgent('app')).events.map((e) => e.reason)
    expect(reasons.slice(reasons.lastIndexOf('waiting for db (stopped)'))).toEqual([
      'waiting for db (stopped)',
      'waiting for db (starting)',
      'db online',
      'up for 100ms',
    ])
  })
})
