import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { DaemonClient } from '../../src/core/client/daemon-client.js'
import type { AgentInfo } from '../../src/core/protocol/types.js'
import { cleanup, fixture, isAlive, makeHome, orchJson, waitFor, writeConfig, type TestHome } from '../helpers/orch.js'

let homes: TestHome[] = []
afterEach(async () => {
  for (const t of homes) await cleanup(t)
  homes = []
})

const BURST = 5_000
const KILL_AFTER_ANSWERED = 2_500
/** sends outstanding at once: enough to keep the daemon's group commit busy, few enough that the kill lands mid-burst */
const WINDOW = 200

const recordedIds = (file: string): string[] =>
  existsSync(file)
    ? readFileSync(file, 'utf8')
        .split('\n')
        .filter((l) => l.trim() !== '')
        .map((l) => (JSON.parse(l) as { id: string }).id)
    : []

describe('kill -9 of the daemon', () => {
  it('loses no answered send of a 5,000-message burst', { timeout: 120_000 }, async () => {
    const t = makeHome()
    homes.push(t)
    const file = join(t.home, 'rec.jsonl')
    // the recorder consumes during the burst too, so some messages are in flight (or acked) at the kill
    const cfg = writeConfig(t, [{ name: 'rec', script: fixture('q-record.js'), env: { RECORD_FILE: file }, startGrace: '100ms', backoff: { initial: '10ms' } }])
    await orchJson(['start', cfg])
    await waitFor(() => readFileSync(join(t.paths.logsDir, 'rec.out.log'), 'utf8').includes('consuming'), 'recorder consuming')

    const client = await DaemonClient.connect(t.paths.socket)
    const daemonPid = client.daemonPid
    const answered: string[] = []
    let refused = 0
    let killScheduled = false
    let killed = false
    await new Promise<void>((resolve) => {
      let next = 0
      let outstanding = 0
      const pump = (): void => {
        while (!killed && outstanding < WINDOW && next < BURST) {
          const i = next++
          outstanding++
          client
            .call('queue.send', { to: 'rec', type: 'burst', payload: { i }, priority: i % 7 })
            .then(
              (r) => {
                answered.push(...r.ids)
                if (!killScheduled && answered.length >= KILL_AFTER_ANSWERED) {
                  killScheduled = true
                  // after this tick's answers have refilled the window: the kill lands with sends in the daemon's hands
                  setImmediate(() => {
                    killed = true
                    process.kill(daemonPid, 'SIGKILL')
                  })
                }
              },
              () => refused++,
            )
            .finally(() => {
              outstanding--
              if (outstanding === 0 && (killed || next === BURST)) resolve()
              else pump()
            })
        }
      }
      pump()
    })
    client.close()
    expect(killed).toBe(true)
    await waitFor(() => !isAlive(daemonPid), 'old daemon gone')
    console.log(`burst: ${answered.length} sends answered, ${refused} cut off by the kill, ${BURST - answered.length - refused} never sent`)
    expect(answered.length).toBeGreaterThanOrEqual(KILL_AFTER_ANSWERED)
    expect(answered.length).toBeLessThan(BURST)

    // any command starts a new daemon; it restarts the recorder, which died with its connection
    const agents = await orchJson<AgentInfo[]>(['ls'])
    expect(agents.map((a) => a.id)).toEqual(['rec'])
    const want = new Set(answered)
    await waitFor(() => {
      const got = new Set(recordedIds(file))
      for (const id of want) if (!got.has(id)) return false
      return true
    }, 'every answered send delivered', 60_000)

    const ids = recordedIds(file)
    const seen = new Map<string, number>()
    for (const id of ids) seen.set(id, (seen.get(id) ?? 0) + 1)
    const duplicates = [...seen].filter(([, n]) => n > 1)
    console.log(
      `delivered ${seen.size} distinct messages (${ids.length} deliveries); ${duplicates.length} delivered more than once` +
        (duplicates.length > 0 ? `: ${duplicates.slice(0, 20).map(([id, n]) => `${id} x${n}`).join(', ')}${duplicates.length > 20 ? ', …' : ''}` : ''),
    )
    // nothing is delivered that was never sent
    expect(seen.size).toBeLessThanOrEqual(answered.length + refused)
  })
})
