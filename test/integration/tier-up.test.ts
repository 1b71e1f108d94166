import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { DaemonClient } from '../../src/core/client/daemon-client.js'
import { useHomes, fixture, orchJson, waitFor, writeConfig } from '../helpers/orch.js'

const home = useHomes()

describe("the daemon's V8 compilers", () => {
  it('are off in an idle daemon and come on once messages flow', async () => {
    const t = home()
    await orchJson(['start', writeConfig(t, [{ name: 'rec', script: fixture('q-record.js'), startGrace: '100ms' }])])
    await orchJson(['stop', 'rec'])
    const pid = Number(readFileSync(t.paths.pidFile, 'utf8'))
    const args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')
    expect(args).toEqual(expect.arrayContaining(['--no-opt', '--no-sparkplug']))
    const log = (): string => readFileSync(t.paths.daemonLog, 'utf8')
    expect(log()).not.toContain('V8 compilers on')

    const client = await DaemonClient.connect(t.paths.socket)
    const results = await Promise.all(Array.from({ length: 1_000 }, (_, i) => client.call('queue.send', { to: 'rec', type: 'n', payload: { i } })))
    client.close()
    expect(results).toHaveLength(1_000)
    const line = await waitFor(() => log().split('\n').find((l) => l.includes('V8 compilers on')), 'the compilers to come on')
    expect(JSON.parse(line)).toMatchObject({ level: 'info', why: expect.stringMatching(/messages in a check's interval/) })
    // the daemon still answers, compiled or not
    expect((await orchJson<{ pending: unknown[] }>(['queue', 'ls', 'rec'])).pending.length).toBeGreaterThan(0)
  })
})
