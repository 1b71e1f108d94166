import { mkdirSync, openSync, writeSync, closeSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { MAX_LINE_BYTES } from '../../src/cli/log-lines.js'
import { orch, useHomes } from '../helpers/orch.js'

const home = useHomes()
const MB = 1024 * 1024

describe('orch logs of a huge line', () => {
  it('shows the last line of a 50 MB single-line log quickly, cut, saying how much was cut', async () => {
    const t = home()
    mkdirSync(t.paths.logsDir, { recursive: true })
    const file = join(t.paths.logsDir, 'w.out.log')
    const fd = openSync(file, 'w')
    const chunk = Buffer.alloc(MB, 'z')
    for (let i = 0; i < 50; i++) writeSync(fd, chunk)
    writeSync(fd, '\n')
    closeSync(fd)

    const started = performance.now()
    const r = await orch(['logs', 'w', '--lines', '1'])
    const ms = performance.now() - started
    console.log(`orch logs --lines 1 of a 50 MB line: ${Math.round(ms)} ms, ${r.stdout.length} characters printed`)
    expect(r.error).toBeUndefined()
    // 12.4 s on 20 MB before; a generous bound for a noisy machine
    expect(ms).toBeLessThan(5_000)
    expect(r.stdout.length).toBeLessThan(MAX_LINE_BYTES + 100)
    expect(r.stdout.trimEnd()).toBe(`${'z'.repeat(MAX_LINE_BYTES)} … [${50 * MB - MAX_LINE_BYTES} bytes cut]`)
  })
})
