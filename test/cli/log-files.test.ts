import { appendFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { followLogs, lastLines, type LogFile, type LogLine } from '../../src/cli/log-files.js'
import { orchPaths } from '../../src/core/paths.js'
import { LineCutter, MAX_LINE_BYTES } from '../../src/cli/log-lines.js'

const dirs: string[] = []
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

function logOf(content: string | Buffer): LogFile {
  const dir = mkdtempSync(join(tmpdir(), 'orch-logs-'))
  dirs.push(dir)
  mkdirSync(dir, { recursive: true })
  const path = join(dir, 'w.out.log')
  writeFileSync(path, content)
  return { agent: 'w', path, stream: 'out' }
}

const texts = (file: LogFile, n: number) => lastLines(file, n).map((l) => l.line)

describe('lastLines', () => {
  it.each<[string, number, string[]]>([
    ['a\nb\nc\n', 2, ['b', 'c']],
    ['a\nb\nc', 2, ['b', 'c']],
    ['a\nb\nc\n', 10, ['a', 'b', 'c']],
    ['a\n\nc\n', 3, ['a', '', 'c']],
    ['\n', 5, ['']],
    ['', 5, []],
    ['a\r\nb\r\n', 5, ['a', 'b']],
    ['only', 1, ['only']],
    ['a\nb\n', 0, []],
  ])('%j, last %d', (content, n, expected) => {
    expect(texts(logOf(content), n)).toEqual(expected)
  })

  it('finds lines across read chunks (a 3 MiB file of short lines)', () => {
    const lines = Array.from({ length: 300_000 }, (_, i) => `line ${i}`)
    expect(texts(logOf(`${lines.join('\n')}\n`), 3)).toEqual(lines.slice(-3))
  })

  it('cuts an overlong line to its first MAX_LINE_BYTES and says how many bytes were cut', () => {
    const long = 'x'.repeat(3 * 1024 * 1024)
    const [before, cut, after] = lastLines(logOf(`before\n${long}\nafter\n`), 3)
    expect([before!.line, after!.line]).toEqual(['before', 'after'])
    expect(cut!.line).toBe(`${'x'.repeat(MAX_LINE_BYTES)} … [${long.length - MAX_LINE_BYTES} bytes cut]`)
    expect(cut!.cut).toBe(long.length - MAX_LINE_BYTES)
  })

  it('never cuts a character in half', () => {
    const long = `a${'é'.repeat(MAX_LINE_BYTES)}`
    const [l] = lastLines(logOf(long), 1)
    const shown = l!.line.slice(0, l!.line.indexOf(' … ['))
    expect(shown).toBe(`a${'é'.repeat((MAX_LINE_BYTES - 2) / 2)}`)
    expect(Buffer.byteLength(shown) + l!.cut!).toBe(Buffer.byteLength(long))
  })
})

describe('LineCutter (orch logs -f)', () => {
  it('splits lines across chunks and cuts an overlong one, keeping at most MAX_LINE_BYTES of it', () => {
    const got: Array<{ line: string; cut?: number }> = []
    const c = new LineCutter()
    const emit = (l: { line: string; cut?: number }) => got.push(l)
    c.push(Buffer.from('ab'), emit)
    c.push(Buffer.from('c\nd'), emit)
    for (let i = 0; i < 100; i++) c.push(Buffer.alloc(64 * 1024, 'y'), emit)
    c.push(Buffer.from('\nlast\n'), emit)
    expect(got).toEqual([
      { line: 'abc' },
      { line: `d${'y'.repeat(MAX_LINE_BYTES - 1)} … [${100 * 64 * 1024 + 1 - MAX_LINE_BYTES} bytes cut]`, cut: 100 * 64 * 1024 + 1 - MAX_LINE_BYTES },
      { line: 'last' },
    ])
  })
})

describe('followLogs (orch logs -f, orch daemon run)', () => {
  it('prints only what is written after it starts, files that appear later too, and reads every file once more when stopped', async () => {
    const home = mkdtempSync(join(tmpdir(), 'orch-follow-'))
    dirs.push(home)
    const paths = orchPaths(home)
    mkdirSync(paths.logsDir)
    writeFileSync(join(paths.logsDir, 'w.0.out.log'), 'before\n')
    const seen: LogLine[] = []
    const stop = new AbortController()
    const following = followLogs(paths, undefined, ['out', 'err'], (l) => seen.push(l), new Set(), stop.signal)
    appendFileSync(join(paths.logsDir, 'w.0.out.log'), 'after\n')
    writeFileSync(join(paths.logsDir, 'late.err.log'), 'oops\npartial')
    // no poll has run yet: the last read at stop finds them
    stop.abort()
    await following
    expect(seen).toEqual([
      { agent: 'late', stream: 'err', line: 'oops', time: expect.any(Number) },
      { agent: 'w:0', stream: 'out', line: 'after', time: expect.any(Number) },
    ])
  })
})
