import { appendFileSync, mkdtempSync, rmSync, truncateSync, utimesSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { LogClock } from '../../../src/core/daemon/log-clock.js'
import { createLogger } from '../../../src/core/log/logger.js'
import { indexPath, type Mark, TimeIndexReader } from '../../../src/core/log/time-index.js'
import { waitFor } from '../../helpers/orch.js'

const cleanups: Array<() => void> = []
afterEach(() => cleanups.splice(0).forEach((c) => c()))

function setup(): { dir: string; clock: LogClock } {
  const dir = mkdtempSync(join(tmpdir(), 'orch-clock-'))
  const clock = new LogClock(dir, createLogger(join(dir, 'daemon.log')))
  cleanups.push(() => {
    clock.stop()
    rmSync(dir, { recursive: true, force: true })
  })
  return { dir, clock }
}

function marks(file: string): Mark[] {
  const r = TimeIndexReader.open(file, () => Number.MAX_SAFE_INTEGER)
  if (!r) return []
  try {
    return Array.from({ length: r.count }, (_, i) => r.at(i))
  } finally {
    r.close()
  }
}

describe('LogClock', () => {
  it('marks what was written with no daemon as approximate at start, then marks each growth with the file mtime', async () => {
    const { dir, clock } = setup()
    const f = join(dir, 'w.out.log')
    writeFileSync(f, 'before\n')
    utimesSync(f, 1000, 1000)
    clock.start()
    expect(marks(f)).toEqual([{ offset: 7, time: 1_000_000, approx: true }])
    appendFileSync(f, 'after\n')
    await waitFor(() => marks(f).length === 2, 'a mark for the growth')
    const m = marks(f)[1]!
    expect(m).toMatchObject({ offset: 13, approx: false })
    expect(m.time).toBeGreaterThan(1_000_000)
  })

  it('a torn last record is cut at the next start; an emptied file starts a new index', async () => {
    const { dir, clock } = setup()
    const f = join(dir, 'w.err.log')
    writeFileSync(f, 'one\n')
    clock.start()
    clock.stop()
    appendFileSync(indexPath(f), Buffer.from([1, 2, 3]))
    appendFileSync(f, 'two\n')
    clock.start()
    expect(marks(f).map((m) => m.offset)).toEqual([4, 8])
    truncateSync(f, 0)
    appendFileSync(f, 'x\n')
    await waitFor(() => marks(f).length === 1, 'a new index')
    expect(marks(f)[0]!.offset).toBe(2)
  })

  it('rotated: the next mark starts a new index', () => {
    const { dir, clock } = setup()
    const f = join(dir, 'w.out.log')
    writeFileSync(f, 'a\nb\n')
    clock.start()
    rmSync(indexPath(f)) // as the rotation moved it
    truncateSync(f, 0)
    clock.rotated(f)
    appendFileSync(f, 'c\n')
    clock.markNow(f)
    expect(marks(f).map((m) => m.offset)).toEqual([2])
  })

  it('takeChanged names the files seen to grow since the last call, and only those (the log rotator looks at no other)', async () => {
    const { dir, clock } = setup()
    const a = join(dir, 'a.out.log')
    const b = join(dir, 'b.out.log')
    writeFileSync(a, 'old\n')
    writeFileSync(b, 'old\n')
    clock.start()
    clock.takeChanged() // what start found
    expect(clock.takeChanged()).toEqual(new Set())
    appendFileSync(a, 'new\n')
    await waitFor(() => marks(a).length === 2, 'the growth of a marked')
    expect(clock.takeChanged()).toEqual(new Set([a]))
    expect(clock.takeChanged()).toEqual(new Set())
  })

})
