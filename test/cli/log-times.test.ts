import { appendFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { byTime, type LogFile, readLines } from '../../src/cli/log-files.js'
import { jsonLine, withSdkTime } from '../../src/cli/sdk-log-line.js'
import { parseTimeArg } from '../../src/cli/time-arg.js'
import { encodeHeader, encodeMark, indexPath } from '../../src/core/log/time-index.js'

const dirs: string[] = []
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

const T0 = Date.parse('2026-01-01T00:00:00Z')

/** A log whose line i (`l<i>`) was marked at T0 + i s, the last `unmarked` lines not yet. */
function timedLog(lines: number, unmarked = 0, name = 'w'): LogFile {
  const dir = mkdtempSync(join(tmpdir(), 'orch-times-'))
  dirs.push(dir)
  mkdirSync(dir, { recursive: true })
  const path = join(dir, `${name}.out.log`)
  let offset = 0
  const marks = [encodeHeader()]
  let text = ''
  for (let i = 0; i < lines; i++) {
    text += `l${i}\n`
    offset += `l${i}\n`.length
    if (i < lines - unmarked) marks.push(encodeMark({ offset, time: T0 + i * 1000, approx: false }))
  }
  writeFileSync(path, text)
  writeFileSync(indexPath(path), Buffer.concat(marks))
  return { agent: name, path, stream: 'out' }
}

const texts = (ls: Array<{ line: string }>): string[] => ls.map((l) => l.line)

describe('reading log lines with their times', () => {
  it('gives each line the time of the first mark at or after its end', () => {
    const lines = readLines(timedLog(5), { n: 3, daemonRunning: true })
    expect(lines.map((l) => [l.line, l.time])).toEqual([
      ['l2', T0 + 2000],
      ['l3', T0 + 3000],
      ['l4', T0 + 4000],
    ])
  })

  it('--since and --until keep a range, and -n counts within it', () => {
    const f = timedLog(100)
    expect(texts(readLines(f, { n: Infinity, since: T0 + 95_000, daemonRunning: true }))).toEqual(['l95', 'l96', 'l97', 'l98', 'l99'])
    expect(texts(readLines(f, { n: Infinity, until: T0 + 2_500, daemonRunning: true }))).toEqual(['l0', 'l1', 'l2'])
    expect(texts(readLines(f, { n: 2, since: T0 + 10_000, until: T0 + 20_000, daemonRunning: true }))).toEqual(['l19', 'l20'])
    expect(readLines(f, { n: Infinity, until: T0 - 1, daemonRunning: true })).toEqual([])
  })

  it('a line past the last mark has the file mtime, approximate when no daemon runs', () => {
    const f = timedLog(3, 1)
    const [a, b] = readLines(f, { n: 2, daemonRunning: false }).map((l) => [l.line, l.approx ?? false])
    expect(a).toEqual(['l1', false])
    expect(b).toEqual(['l2', true])
    expect(readLines(f, { n: 1, daemonRunning: true })[0]!.approx).toBeUndefined()
  })

  it('a garbage index is reported and the file mtime used; a torn last record is ignored', () => {
    const f = timedLog(3)
    writeFileSync(indexPath(f.path), 'not an index at all')
    const reasons: string[] = []
    const lines = readLines(f, { n: 5, daemonRunning: true, onUnusableIndex: (_f, r) => reasons.push(r) })
    expect(texts(lines)).toEqual(['l0', 'l1', 'l2'])
    expect(lines.every((l) => l.approx)).toBe(true)
    expect(reasons).toHaveLength(1)

    const g = timedLog(3)
    appendFileSync(indexPath(g.path), Buffer.from([1, 2, 3]))
    expect(readLines(g, { n: 5, daemonRunning: true }).map((l) => l.time)).toEqual([T0, T0 + 1000, T0 + 2000])
  })

  it('an index that ends past its log (emptied behind the daemon) is not used', () => {
    const f = timedLog(3)
    writeFileSync(f.path, 'new\n')
    const reasons: string[] = []
    expect(texts(readLines(f, { n: 5, daemonRunning: true, onUnusableIndex: (_f, r) => reasons.push(r) }))).toEqual(['new'])
    expect(reasons[0]).toMatch(/past its log/)
  })

  it('lines of several files come in time order, ties in file order', () => {
    const a = readLines(timedLog(3, 0, 'a'), { n: 3, daemonRunning: true })
    const b = readLines(timedLog(3, 0, 'b'), { n: 3, daemonRunning: true })
    expect(byTime([...a, ...b]).map((l) => `${l.agent}${l.line}`)).toEqual(['al0', 'bl0', 'al1', 'bl1', 'al2', 'bl2'])
  })

  it("an SDK logger line keeps its own time, and its fields are fields in --json", () => {
    const line = JSON.stringify({ time: '2026-01-01T00:00:00.123Z', level: 'info', agent: 'w', correlationId: 'c1', messageId: 'm1', msg: 'hi', n: 2 })
    const l = withSdkTime({ agent: 'w:0', stream: 'out', line, time: T0 + 5000, approx: true })
    expect(l.time).toBe(T0 + 123)
    expect(l.approx).toBeUndefined()
    expect(jsonLine(l)).toEqual({ level: 'info', agent: 'w:0', correlationId: 'c1', messageId: 'm1', msg: 'hi', n: 2, stream: 'out', time: T0 + 123, line })
    expect(jsonLine({ agent: 'w', stream: 'out', line: '{"time":"x","level":"info","msg":"m"}', time: 1 })).toEqual({ agent: 'w', stream: 'out', line: '{"time":"x","level":"info","msg":"m"}', time: 1 })
  })

  it('--since/--until take a duration back from now or an ISO time, and say what is wrong otherwise', () => {
    const now = T0 + 3_600_000
    expect(parseTimeArg('10m', '--since', now)).toBe(now - 600_000)
    expect(parseTimeArg('1.5h', '--since', now)).toBe(now - 5_400_000)
    expect(parseTimeArg('2026-01-01T00:00:00Z', '--since', now)).toBe(T0)
    expect(() => parseTimeArg('yesterday', '--since', now)).toThrow(/--since: 'yesterday' is neither a duration/)
    expect(() => parseTimeArg('10 parsecs', '--until', now)).toThrow(/--until/)
  })
})
