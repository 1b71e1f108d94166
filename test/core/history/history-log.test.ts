import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { DEFAULT_HISTORY_BOUND, type HistoryBound } from '../../../src/core/history/history-bound.js'
import type { HistoryEvent } from '../../../src/core/history/history-event.js'
import { HistoryLog } from '../../../src/core/history/history-log.js'

const dirs: string[] = []
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

function file(): string {
  const dir = mkdtempSync(join(tmpdir(), 'orch-hist-'))
  dirs.push(dir)
  return join(dir, 'history.log')
}

const ev = (t: number, id: string, ev: HistoryEvent['ev'] = 'acked'): HistoryEvent => ({ t, ev, id })
const bound = (b: Partial<HistoryBound>): HistoryBound => ({ ...DEFAULT_HISTORY_BOUND, ...b })
const lines = (path: string): string[] => readFileSync(path, 'utf8').split('\n').filter(Boolean)

async function open(path: string, b: Partial<HistoryBound> = {}, now = () => Date.now()) {
  const errors: Error[] = []
  const opened = await HistoryLog.open(path, bound(b), (e) => errors.push(e), now)
  return { ...opened, errors }
}

describe('HistoryLog', () => {
  it('batches: a thousand events added in one go are one append, and read back in order', async () => {
    const path = file()
    const { log, errors } = await open(path)
    const t = Date.now()
    for (let i = 0; i < 1000; i++) log.add(ev(t + i, `m${i}`))
    await log.flush()
    expect(log.appends).toBe(1)
    const read = await log.read()
    expect(read).toHaveLength(1000)
    expect(read[999]).toEqual(ev(t + 999, 'm999'))
    await log.close()
    expect(errors).toEqual([])
  })

  it('cuts a torn last line at open, says how much, and skips a damaged line when reading', async () => {
    const path = file()
    const t = Date.now()
    writeFileSync(path, `${JSON.stringify(ev(t, 'a'))}\nnot json\n${JSON.stringify(ev(t, 'b'))}\n`)
    appendFileSync(path, '{"t":17,"ev":"sto')
    const { log, tornBytes } = await open(path)
    expect(tornBytes).toBe('{"t":17,"ev":"sto'.length)
    expect(readFileSync(path, 'utf8').endsWith('\n')).toBe(true)
    log.add(ev(t + 1, 'c'))
    expect((await log.read()).map((e) => e.id)).toEqual(['a', 'b', 'c'])
    await log.close()
  })

  it('holds the bound by rotation: at maxEvents the file is renamed to history.log.1 (not rewritten), and reads give the newest maxEvents of both', async () => {
    const path = file()
    const { log, errors } = await open(path, { maxEvents: 40 })
    const t = Date.now()
    for (let i = 0; i < 39; i++) {
      log.add(ev(t + i, `m${i}`))
      await log.flush()
    }
    expect(lines(path)).toHaveLength(39)
    const inode = statSync(path).ino
    log.add(ev(t + 39, 'm39'))
    await log.flush()
    // renamed, not copied: keeping the bound costs no rewrite
    expect(statSync(`${path}.1`).ino).toBe(inode)
    expect(lines(`${path}.1`)).toHaveLength(40)
    expect(lines(path)).toHaveLength(0)
    log.add(ev(t + 40, 'm40'))
    let read = await log.read()
    expect(read).toHaveLength(40)
    expect(read[0]!.id).toBe('m1')
    expect(read.at(-1)!.id).toBe('m40')
    // the next rotation replaces history.log.1: m0…m39 are gone from the disk
    for (let i = 41; i < 80; i++) log.add(ev(t + i, `m${i}`))
    await log.flush()
    expect(lines(path)).toHaveLength(0)
    expect(lines(`${path}.1`).map((l) => JSON.parse(l).id)).toEqual(Array.from({ length: 40 }, (_, i) => `m${i + 40}`))
    read = await log.read()
    expect(read.map((e) => e.id)).toEqual(Array.from({ length: 40 }, (_, i) => `m${i + 40}`))
    await log.close()
    expect(errors).toEqual([])
  })

  it('holds the age bound: older events are not read; a file whose oldest is past it is rotated, and history.log.1 goes once its newest is', async () => {
    const path = file()
    let now = 1_000_000
    const { log } = await open(path, { maxAgeMs: 10_000 }, () => now)
    log.add(ev(now - 20_000, 'old'))
    log.add(ev(now, 'new'))
    expect((await log.read()).map((e) => e.id)).toEqual(['new'])
    // that write's oldest line was past the bound: the file was rotated
    expect(lines(`${path}.1`).map((l) => JSON.parse(l).id)).toEqual(['old', 'new'])
    now += 1
    log.add(ev(now, 'newer'))
    await log.flush()
    expect(lines(path).map((l) => JSON.parse(l).id)).toEqual(['newer'])
    expect(existsSync(`${path}.1`)).toBe(true)
    // 'new' (history.log.1's newest) and 'newer' are now past the bound: the next write drops
    // history.log.1 and rotates history.log, whose oldest is past it too
    now += 10_001
    log.add(ev(now, 'newest'))
    await log.flush()
    expect(lines(`${path}.1`).map((l) => JSON.parse(l).id)).toEqual(['newer', 'newest'])
    expect(lines(path)).toEqual([])
    expect((await log.read()).map((e) => e.id)).toEqual(['newest'])
    await log.close()
  })

  it('a lower bound set later rewrites the files to it at once; disabled, nothing more is recorded', async () => {
    const path = file()
    const { log } = await open(path, { maxEvents: 60 })
    const t = Date.now()
    for (let i = 0; i < 100; i++) log.add(ev(t + i, `m${i}`))
    await log.flush()
    // 100 events in one write: rotated as a whole
    expect(lines(`${path}.1`)).toHaveLength(100)
    log.add(ev(t + 100, 'm100'))
    await log.flush()
    log.setBound(bound({ maxEvents: 10 }))
    await log.flush()
    expect(lines(path).map((l) => JSON.parse(l).id)).toEqual(Array.from({ length: 10 }, (_, i) => `m${i + 91}`))
    expect(existsSync(`${path}.1`)).toBe(false)
    log.setBound(bound({ maxEvents: 10, enabled: false }))
    log.add(ev(t + 200, 'ignored'))
    expect((await log.read()).some((e) => e.id === 'ignored')).toBe(false)
    await log.close()
  })

  it('reads history.log.1 after a reopen, and counts its events (a lower bound then rewrites both)', async () => {
    const path = file()
    const first = await open(path, { maxEvents: 5 })
    const t = Date.now()
    for (let i = 0; i < 7; i++) {
      first.log.add(ev(t + i, `m${i}`))
      await first.log.flush()
    }
    await first.log.close()
    expect(lines(`${path}.1`)).toHaveLength(5)
    expect(lines(path)).toHaveLength(2)
    const second = await open(path, { maxEvents: 5 })
    expect((await second.log.read()).map((e) => e.id)).toEqual(['m2', 'm3', 'm4', 'm5', 'm6'])
    second.log.setBound(bound({ maxEvents: 3 }))
    await second.log.flush()
    expect(lines(path).map((l) => JSON.parse(l).id)).toEqual(['m4', 'm5', 'm6'])
    expect(existsSync(`${path}.1`)).toBe(false)
    await second.log.close()
  })

  it('when history.log.1 cannot be replaced (a directory put there), history.log is kept to the bound in place, reads go on, and the error is told', async () => {
    const path = file()
    mkdirSync(`${path}.1`)
    const { log, errors } = await open(path, { maxEvents: 40 })
    const t = Date.now()
    for (let i = 0; i < 200; i++) {
      log.add(ev(t + i, `m${i}`))
      await log.flush()
    }
    // rewritten once per quarter of the bound (40 + 10), not at every write
    expect(lines(path).length).toBeLessThanOrEqual(50)
    expect(errors.length).toBeGreaterThan(0)
    expect(errors.length).toBeLessThanOrEqual(200 / 10)
    const read = await log.read()
    expect(read).toHaveLength(40)
    expect(read.at(-1)!.id).toBe('m199')
    await log.close()
  })

  it('survives a reopen: what was written is read by the next open', async () => {
    const path = file()
    const first = await open(path)
    first.log.add(ev(Date.now(), 'kept'))
    await first.log.close()
    const second = await open(path)
    expect((await second.log.read()).map((e) => e.id)).toEqual(['kept'])
    await second.log.close()
  })
})
