import { describe, expect, it } from 'vitest'
import { DaemonClient } from '../../src/core/client/daemon-client.js'
import type { QueueListingResult, WireMessage } from '../../src/core/protocol/types.js'
import { fixture, orch, orchJson, useHomes, waitFor, writeConfig } from '../helpers/orch.js'

const home = useHomes()

/** Near the 256 KiB payload cap: five of them are more than a listing carries (768 KiB). */
const BIG = 'x'.repeat(200 * 1024)

describe('queue replay PREFIX', () => {
  it('finds a dead letter the dead listing leaves out (past its byte budget)', async () => {
    const t = home()
    const cfg = writeConfig(t, [{ name: 'rec', script: fixture('q-record.js'), startGrace: '100ms' }])
    await orchJson(['start', cfg])
    await orchJson(['stop', 'rec'])
    const client = await DaemonClient.connect(t.paths.socket)
    const ids = []
    for (let i = 0; i < 5; i++) ids.push((await client.call('queue.send', { to: 'rec', type: 'big', payload: BIG, ttl: 1 })).ids[0]!)
    client.close()
    await waitFor(async () => (await orchJson<QueueListingResult>(['queue', 'ls', 'rec'])).counts.dead === 5, 'five dead letters')

    const listed = new Set((await orchJson<WireMessage[]>(['queue', 'dead', '--limit', '100'])).map((m) => m.id))
    const hidden = ids.find((id) => !listed.has(id))
    expect(hidden, 'a dead letter past the listing budget').toBeDefined()
    const replayed = await orch(['queue', 'replay', hidden!.slice(0, 8)])
    expect(replayed.error).toBeUndefined()
    expect(replayed.stdout.trim()).toBe(`replayed ${hidden!.slice(0, 8)}`)
    const after = await orchJson<QueueListingResult>(['queue', 'ls', 'rec'])
    expect(after.counts).toEqual({ pending: 1, inFlight: 0, dead: 4 })
    expect(after.pending[0]?.id).toBe(hidden)
  })

  it('answers a clear error for a prefix that names no dead letter', async () => {
    const t = home()
    const cfg = writeConfig(t, [{ name: 'rec', script: fixture('q-record.js'), startGrace: '100ms' }])
    await orchJson(['start', cfg])
    const client = await DaemonClient.connect(t.paths.socket)
    await expect(client.call('queue.replay', { id: 'abc' })).rejects.toMatchObject({
      code: 'E_NO_DEAD_LETTER',
      message: "no dead letter with id 'abc'; list them with: orch queue dead",
    })
    client.close()
  })
})
