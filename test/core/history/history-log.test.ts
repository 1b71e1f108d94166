import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
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

  it('holds the bound: past maxEvents and its slack the file is compacted to the newest maxEvents', async () => {
    const path = file()
    const { log } = await open(path, { maxEvents: 40 })
    const t = Date.now()
    // 40 + a slack of 16: the 57th line compacts
    for (let i = 0; i < 56; i++) {
      log.add(ev(t + i, `m${i}`))
      await log.flush()
    }
    expect(lines(path)).toHaveLength(56)
    log.add(ev(t + 56, 'm56'))
    await log.flush()
    expect(lines(path)).toHaveLength(40)
    expect(lines(path)[0]).toContain('"m17"')
    // appends go on into the new file
    log.add(ev(t + 57, 'm57'))
    const read = await log.read()
    expect(read.map((e) => e.id).slice(-2)).toEqual(['m56', 'm57'])
    expect(read).toHaveLength(40)
    await log.close()
    expect(lines(path)).toHaveLength(41)
  })

  it('holds the age bound: older events are not read, and are compacted away once past it by a quarter', async () => {
    const path = file()
    let now = 1_000_000
    const { log } = await open(path, { maxAgeMs: 10_000 }, () => now)
    log.add(ev(now - 20_000, 'old'))
    log.add(ev(now, 'new'))
    expect((await log.read()).map((e) => e.id)).toEqual(['new'])
    // the next write finds the oldest line past 12.5 s and rewrites the file without it
    now += 1
    log.add(ev(now, 'newer'))
    await log.flush()
    expect(lines(path).map((l) => JSON.parse(l).id)).toEqual(['new', 'newer'])
    await log.close()
  })

  it('a lower bound set later compacts at once; disabled, nothing more is recorded', async () => {
    const path = file()
    const { log } = await open(path)
    const t = Date.now()
    for (let i = 0; i < 100; i++) log.add(ev(t + i, `m${i}`))
    await log.flush()
    log.setBound(bound({ maxEvents: 10 }))
    await log.flush()
    expect(lines(path)).toHaveLength(10)
    log.setBound(bound({ maxEvents: 10, enabled: false }))
    log.add(ev(t + 200, 'ignored'))
    expect((await log.read()).some((e) => e.id === 'ignored')).toBe(false)
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
