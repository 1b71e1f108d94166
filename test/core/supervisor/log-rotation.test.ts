import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { rotateIfNeeded } from '../../../src/core/supervisor/log-rotation.js'

const dirs: string[] = []
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })))
const file = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'orch-rot-'))
  dirs.push(d)
  return join(d, 'a.out.log')
}

describe('rotateIfNeeded', () => {
  it('leaves a file under the limit alone', () => {
    const f = file()
    writeFileSync(f, 'small\n')
    expect(rotateIfNeeded(f, 100, 3)).toBe(false)
    expect(readFileSync(f, 'utf8')).toBe('small\n')
  })

  it('copies to .1, truncates in place, and keeps only `retain` copies', () => {
    const f = file()
    for (const n of [1, 2, 3, 4]) {
      writeFileSync(f, `gen ${n}\n`.repeat(20))
      expect(rotateIfNeeded(f, 100, 3)).toBe(true)
      expect(readFileSync(f, 'utf8')).toBe('')
    }
    expect(readFileSync(`${f}.1`, 'utf8')).toMatch(/^gen 4/)
    expect(readFileSync(`${f}.2`, 'utf8')).toMatch(/^gen 3/)
    expect(readFileSync(`${f}.3`, 'utf8')).toMatch(/^gen 2/)
    expect(existsSync(`${f}.4`)).toBe(false)
  })

  it('with retain 0 only truncates', () => {
    const f = file()
    writeFileSync(f, 'x'.repeat(200))
    expect(rotateIfNeeded(f, 100, 0)).toBe(true)
    expect(existsSync(`${f}.1`)).toBe(false)
  })

  it('does nothing for a missing file', () => {
    expect(rotateIfNeeded(join(tmpdir(), 'orch-no-such.log'), 1, 1)).toBe(false)
  })
})

describe('rotateIfNeeded with a time index', () => {
  it('moves the index with its copy, shifts it with the copies, and never pairs a copy with an older index', () => {
    const f = file()
    const idx = (p: string): string => `${p}.idx`
    let marked = 0
    const timed = { beforeCopy: () => void marked++ }
    writeFileSync(f, 'gen 1\n'.repeat(20))
    writeFileSync(idx(f), 'index 1')
    expect(rotateIfNeeded(f, 100, 3, timed)).toBe(true)
    expect(marked).toBe(1)
    expect(readFileSync(idx(`${f}.1`), 'utf8')).toBe('index 1')
    expect(existsSync(idx(f))).toBe(false)
    // a generation written with no daemon noting it: no index of its own
    writeFileSync(f, 'gen 2\n'.repeat(20))
    expect(rotateIfNeeded(f, 100, 3, timed)).toBe(true)
    expect(existsSync(idx(`${f}.1`))).toBe(false)
    expect(readFileSync(idx(`${f}.2`), 'utf8')).toBe('index 1')
    expect(readFileSync(`${f}.2`, 'utf8')).toMatch(/^gen 1/)
    // retain 0: the index goes with the lines
    writeFileSync(f, 'gen 3\n'.repeat(20))
    writeFileSync(idx(f), 'index 3')
    expect(rotateIfNeeded(f, 100, 0, timed)).toBe(true)
    expect(existsSync(idx(f))).toBe(false)
  })
})
