import { closeSync, mkdirSync, openSync, readFileSync, statSync, unlinkSync, writeFileSync, writeSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { DaemonClient } from '../../src/core/client/daemon-client.js'
import { orchPaths } from '../../src/core/paths.js'
import type { AgentInfo, DaemonStatus, QueueListingResult } from '../../src/core/protocol/types.js'
import { toMessageDoc } from '../../src/core/queue/nedb-documents.js'
import { readQueueFile } from '../../src/core/queue/queue-file-reader.js'
import { cleanup, fixture, orch, orchJson, useHomes, waitFor, writeConfig, type TestHome } from '../helpers/orch.js'
import { CAN_MOUNT, mountSmallDisk, NEEDS_ROOT, type SmallDisk } from '../helpers/tmpfs.js'
import { recordHome } from '../helpers/global-setup.js'

const home = useHomes()

const doc = (n: number) =>
  JSON.stringify(toMessageDoc({ id: `m${n}`, from: 'cli', to: 'sink', type: 't', priority: 0, payload: { n }, hops: 0, attempts: 0, createdAt: Date.now(), seq: n }))

const pendingCount = async (): Promise<number> => (await orchJson<QueueListingResult>(['queue', 'ls'])).counts.pending

describe('a damaged queue.db', () => {
  it('does not stop the daemon: readable messages are kept, the bad lines moved aside, logged and shown in daemon status', async () => {
    const t = home()
    mkdirSync(t.paths.dataDir, { recursive: true, mode: 0o700 })
    const db = join(t.paths.dataDir, 'queue.db')
    // five good lines, a garbage line, a wrong shape, then a torn last line: NeDB refused this file
    writeFileSync(db, `${[1, 2, 3].map(doc).join('\n')}\n%%garbage\n{"_id":"w1"}\n${[4, 5].map(doc).join('\n')}\n{"_id":"m6","from":"cli","to`)
    const ls = await orch(['ls', '--json'])
    expect(ls.error).toBeUndefined()
    expect(await pendingCount()).toBe(5)
    const status = await orchJson<DaemonStatus>(['daemon', 'status'])
    expect(status.recovered).toHaveLength(1)
    const note = status.recovered[0]!
    expect(note).toMatchObject({ file: db, lines: 3 })
    expect(note.movedTo).toMatch(/queue\.db\.corrupt-/)
    expect(statSync(note.movedTo!).mode & 0o777).toBe(0o600)
    expect(readFileSync(note.movedTo!, 'utf8')).toContain('%%garbage')
    expect(readFileSync(t.paths.daemonLog, 'utf8')).toMatch(/unreadable records moved aside.*queue\.db/)
    const human = await orch(['daemon', 'status'])
    expect(human.stdout).toMatch(/queue\.db: 3 records dropped \(.*\), kept in .*queue\.db\.corrupt-/)
  })

  it('of an unknown format version is a clear E_FILE_FORMAT error naming the file', async () => {
    const t = home()
    mkdirSync(t.paths.dataDir, { recursive: true, mode: 0o700 })
    const db = join(t.paths.dataDir, 'queue.db')
    writeFileSync(db, `{"_id":"$orch","kind":"meta","version":99}\n${doc(1)}\n`)
    const r = await orch(['ls'])
    expect(r.error?.message).toMatch(/E_FILE_FORMAT: .*queue\.db is in queue format version 99, and this orch reads version 1.*move the file away/)
    expect(r.error?.message).toContain(db)
  })
})

describe('queue.durability', () => {
  it("is applied by orch start, remembered in data/queue-settings.json, and refused when it is not 'buffered' or 'fsync'", async () => {
    const t = home()
    const bad = writeConfig(t, [{ name: 'sink', script: fixture('tick.js') }], { queue: { durability: 'sometimes' } }, 'bad.json')
    const refused = await orch(['start', bad])
    expect(refused.error?.message).toMatch(/queue\.durability' must be one of "buffered", "fsync", got "sometimes"/)
    const typo = writeConfig(t, [{ name: 'sink', script: fixture('tick.js') }], { queue: { durabilty: 'fsync' } }, 'typo.json')
    expect((await orch(['start', typo])).error?.message).toMatch(/unknown field 'queue\.durabilty' \(did you mean 'durability'\?\)/)

    const cfg = writeConfig(t, [{ name: 'sink', script: fixture('tick.js') }], { queue: { durability: 'fsync' } })
    await orchJson(['start', cfg])
    const settings = join(t.paths.dataDir, 'queue-settings.json')
    await waitFor(() => {
      try {
        return JSON.parse(readFileSync(settings, 'utf8')).durability === 'fsync'
      } catch {
        return false
      }
    }, 'settings remembered')
    expect(JSON.parse(readFileSync(settings, 'utf8'))).toEqual({ version: 1, durability: 'fsync' })
    expect(statSync(settings).mode & 0o777).toBe(0o600)
    // sends work with it, and after a restart (which reads the setting back)
    await orchJson(['send', 'sink', 'hello'])
    await orchJson(['daemon', 'stop'])
    await orchJson(['send', 'sink', 'again'])
    expect(await pendingCount()).toBe(2)
    expect(statSync(join(t.paths.dataDir, 'queue.db')).mode & 0o777).toBe(0o600)
  })
})

/** Home on its own small disk; `cleanup` stops what runs there before the disk goes. */
function homeOn(disk: SmallDisk): TestHome {
  // below the mount point, which cleanup could not remove
  const dir = join(disk.dir, 'home')
  mkdirSync(dir, { mode: 0o700 })
  recordHome(dir)
  process.env.ORCH_HOME = dir
  return { home: dir, paths: orchPaths(dir) }
}

describe.skipIf(!CAN_MOUNT)(`a full disk (${NEEDS_ROOT})`, () => {
  let disk: SmallDisk | undefined
  let t: TestHome | undefined
  afterEach(async () => {
    if (t) await cleanup(t)
    disk?.unmount()
    t = undefined
    disk = undefined
  })

  it('starts on a disk with no byte left: re-adopts agents, serves, and writes their state once space returns', { timeout: 60_000 }, async () => {
    disk = mountSmallDisk('2m')
    t = homeOn(disk)
    const cfg = join(t.home, 'ecosystem.config.json')
    writeFileSync(cfg, JSON.stringify({ agents: [{ name: 'sink', script: fixture('tick.js'), env: { TICK_MS: '60000' }, startGrace: '100ms' }] }))
    await orchJson(['start', cfg])
    const [before] = await waitFor(async () => {
      const ls = await orchJson<AgentInfo[]>(['ls'])
      return ls[0]?.status === 'online' && ls
    }, 'sink online')
    await orchJson(['send', 'sink', 'kept'])
    await orchJson(['daemon', 'stop'])
    // every byte taken
    const filler = join(disk.dir, 'filler')
    const fd = openSync(filler, 'w')
    const chunk = Buffer.alloc(64 * 1024, 1)
    try {
      for (;;) writeSync(fd, chunk)
    } catch (err) {
      expect((err as NodeJS.ErrnoException).code).toBe('ENOSPC')
    } finally {
      closeSync(fd)
    }
    const after = await orchJson<AgentInfo[]>(['ls'])
    expect(after.map((a) => [a.id, a.pid, a.status])).toEqual([[before!.id, before!.pid, 'online']])
    expect(await pendingCount()).toBe(1)
    // room again: a state change reaches agents.db
    unlinkSync(filler)
    await orchJson(['stop', 'sink'])
    await waitFor(() => /"status":"stopped"/.test(readFileSync(join(t!.paths.dataDir, 'agents.db'), 'utf8')), 'the stop written')
  })

  it('loses no answered send of a burst, stores no refused one, keeps serving, restarts while full, and stores the first send once space returns', { timeout: 120_000 }, async () => {
    disk = mountSmallDisk('2m')
    t = homeOn(disk)
    const cfg = join(t.home, 'ecosystem.config.json')
    writeFileSync(cfg, JSON.stringify({ agents: [{ name: 'sink', script: fixture('tick.js'), env: { TICK_MS: '60000' } }] }))
    await orchJson(['start', cfg])

    const PAD = 'x'.repeat(600)
    const WINDOW = 32
    const client = await DaemonClient.connect(t.paths.socket)
    const answered = new Set<number>()
    const refused = new Set<number>()
    const otherErrors: string[] = []
    let fullMessage = ''
    await new Promise<void>((resolve) => {
      let next = 0
      let outstanding = 0
      const done = () => refused.size >= 200 || next >= 20_000
      const pump = (): void => {
        while (!done() && outstanding < WINDOW) {
          const i = next++
          outstanding++
          client
            .call('queue.send', { to: 'sink', type: 'burst', payload: { i, pad: PAD } })
            .then(
              () => void answered.add(i),
              (err: Error & { code?: string }) => {
                if (err.code === 'E_STORE_FULL') {
                  refused.add(i)
                  fullMessage = err.message
                } else otherErrors.push(`${err.code}: ${err.message}`)
              },
            )
            .finally(() => {
              outstanding--
              if (outstanding === 0 && done()) resolve()
              else pump()
            })
        }
      }
      pump()
    })
    client.close()
    console.log(`full disk burst: ${answered.size} answered, ${refused.size} refused with E_STORE_FULL`)
    expect(otherErrors).toEqual([])
    expect(answered.size).toBeGreaterThan(500)
    expect(fullMessage).toMatch(/^disk full: .*queue\.db.*not stored/)

    // still serving
    expect((await orchJson<Array<{ name: string }>>(['ls'])).map((a) => a.name)).toEqual(['sink'])
    expect(await pendingCount()).toBe(answered.size)
    expect((await orch(['logs', 'sink', '--lines', '1'])).error).toBeUndefined()

    // a restart while the disk is still full
    await orchJson(['daemon', 'stop'])
    expect(await pendingCount()).toBe(answered.size)

    // space comes back: the first send after it is stored
    disk.resize('8m')
    const [first] = (await orchJson<{ ids: string[] }>(['send', 'sink', 'after', '{"i":"after"}'])).ids
    expect(first).toBeDefined()
    await orchJson(['daemon', 'stop'])
    expect(await pendingCount()).toBe(answered.size + 1)
    await orchJson(['daemon', 'stop'])
    const stored = await readQueueFile(join(t.paths.dataDir, 'queue.db'))
    const is = [...stored!.messages.values()].map((m) => (m.payload as { i: number | string }).i)
    expect(stored!.bad).toEqual([])
    expect(new Set(is)).toEqual(new Set([...answered, 'after']))
    for (const i of refused) expect(is).not.toContain(i)
  })
})

