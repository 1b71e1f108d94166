import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { FlushedFile } from '../../src/cli/flush-logs.js'
import { fixture, orch, orchJson, useHomes, waitFor, writeConfig } from '../helpers/orch.js'

const home = useHomes()
const read = (file: string): string => readFileSync(file, 'utf8')

describe('orch flush', () => {
  it("empties a running agent's files in place; it goes on writing to them from the start", async () => {
    const t = home()
    await orchJson(['start', writeConfig(t, [{ name: 'tick', script: fixture('tick.js'), env: { TICK_MS: '30' } }])])
    const out = join(t.paths.logsDir, 'tick.out.log')
    await waitFor(() => read(out).split('\n').length > 5, 'a few ticks')
    const inode = statSync(out).ino
    const before = statSync(out).size

    const r = await orchJson<{ flushed: FlushedFile[] }>(['flush', 'tick'])
    expect(r.flushed.map((f) => [f.agent, f.stream]).sort()).toEqual([['tick', 'err'], ['tick', 'out']])
    expect(r.flushed.find((f) => f.stream === 'out')!.bytes).toBeGreaterThanOrEqual(before)
    expect(statSync(out).size).toBeLessThan(before)

    // the same file (not unlinked), written from its new start (O_APPEND: no hole of NULs where the old lines were)
    await waitFor(() => read(out).split('\n').length > 3, 'ticks after the flush')
    expect(statSync(out).ino).toBe(inode)
    expect(read(out)).toMatch(/^(tick tick\n)+/)
    expect(read(out)).not.toContain('\0')
    expect(read(out)).not.toContain('started')
    const shown = (await orch(['logs', 'tick'])).stdout
    expect(shown).not.toContain('started')
    expect(shown).toContain('tick tick')
  })

  it('one instance only, or every agent', async () => {
    const t = home()
    await orchJson(['start', writeConfig(t, [
      { name: 'w', script: fixture('tick.js'), instances: 2, env: { TICK_MS: '1000000' } },
      { name: 'x', script: fixture('tick.js'), env: { TICK_MS: '1000000' } },
    ])])
    const file = (base: string): string => join(t.paths.logsDir, `${base}.out.log`)
    await waitFor(() => ['w.0', 'w.1', 'x'].every((b) => read(file(b)).includes('started')), 'every agent started')
    const one = await orchJson<{ flushed: FlushedFile[] }>(['flush', 'w:1'])
    expect(one.flushed.map((f) => f.agent)).toEqual(['w:1', 'w:1'])
    expect(read(file('w.1'))).toBe('')
    expect(read(file('w.0'))).toContain('started')
    expect(read(file('x'))).toContain('started')

    const human = await orch(['flush'])
    expect(human.stdout).toMatch(/^flushed 6 log file\(s\), /)
    for (const b of ['w.0', 'w.1', 'x']) expect(read(file(b))).toBe('')

    const unknown = await orch(['flush', 'ghost', '--json'])
    expect(JSON.parse(unknown.stdout).error).toMatchObject({ code: 'E_UNKNOWN_AGENT', message: expect.stringContaining("no agent named 'ghost'; known: w, x") })
  })

  it('works with no daemon running, and does not start one', async () => {
    const t = home()
    mkdirSync(t.paths.logsDir, { recursive: true })
    writeFileSync(join(t.paths.logsDir, 'a.out.log'), 'old\n')
    writeFileSync(join(t.paths.logsDir, 'a.err.log'), 'older\n')
    writeFileSync(join(t.paths.logsDir, 'a.out.log.1'), 'rotated\n')
    const r = await orchJson<{ flushed: FlushedFile[] }>(['flush'])
    expect(r.flushed.map((f) => [f.agent, f.stream, f.bytes])).toEqual([['a', 'out', 4], ['a', 'err', 6]])
    expect(read(join(t.paths.logsDir, 'a.out.log'))).toBe('')
    expect(read(join(t.paths.logsDir, 'a.err.log'))).toBe('')
    expect(read(join(t.paths.logsDir, 'a.out.log.1'))).toBe('rotated\n')
    const unknown = await orch(['flush', 'b', '--json'])
    expect(JSON.parse(unknown.stdout).error).toMatchObject({ code: 'E_UNKNOWN_AGENT', message: expect.stringContaining('agents with logs: a') })
    expect(existsSync(t.paths.pidFile)).toBe(false)
  })

  it('after orch daemon stop, the agent left running keeps writing to the flushed file', async () => {
    const t = home()
    await orchJson(['start', writeConfig(t, [{ name: 'tick', script: fixture('tick.js'), env: { TICK_MS: '30' } }])])
    const out = join(t.paths.logsDir, 'tick.out.log')
    await waitFor(() => read(out).includes('tick tick'), 'ticks')
    await orchJson(['daemon', 'stop'])
    await orchJson(['flush'])
    await waitFor(() => read(out).startsWith('tick tick\n'), 'ticks after the flush, with no daemon')
    expect(read(out)).not.toContain('\0')
    expect(existsSync(t.paths.pidFile)).toBe(false)
  })
})
