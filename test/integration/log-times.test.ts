import { appendFileSync, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { readLines } from '../../src/cli/log-files.js'
import { indexPath, TimeIndexReader } from '../../src/core/log/time-index.js'
import { fixture, killDaemon, orch, orchJson, useHomes, waitFor, writeConfig } from '../helpers/orch.js'

const home = useHomes()
afterEach(() => {
  delete process.env.ORCH_LOG_CHECK_MS
})

interface JsonLine {
  agent: string
  stream: string
  time: number
  approx?: true
  line: string
  [field: string]: unknown
}

const count = (file: string): number => {
  try {
    return readFileSync(file, 'utf8').split('\n').length - 1
  } catch {
    return 0
  }
}
/** The daemon has marked all of `file`: it will not append to its index until the file grows. */
const marked = (file: string): boolean => {
  const size = statSync(file).size
  const r = TimeIndexReader.open(file, () => size)
  try {
    return r !== null && r.count > 0 && r.at(r.count - 1).offset === size
  } finally {
    r?.close()
  }
}
const times = (lines: JsonLine[]): number[] => lines.map((l) => l.time)
const ascending = (xs: number[]): boolean => xs.every((x, i) => i === 0 || x >= xs[i - 1]!)

describe('every agent log line has a time', () => {
  it('lines carry increasing times, --time prints them and --since/--until filter them', async () => {
    const t = home()
    const startedAt = Date.now()
    await orchJson(['start', writeConfig(t, [{ name: 'tick', script: fixture('tick.js'), env: { TICK_MS: '40' } }])])
    const file = join(t.paths.logsDir, 'tick.out.log')
    await waitFor(() => count(file) >= 5, 'five lines')
    const cut = Date.now()
    const before = count(file)
    await waitFor(() => count(file) >= before + 5, 'five more lines')
    await orchJson(['stop', 'tick'])

    const all = await orchJson<JsonLine[]>(['logs', 'tick', '-n', '1000'])
    expect(all.length).toBe(count(file))
    expect(ascending(times(all))).toBe(true)
    expect(all[0]!.time).toBeGreaterThanOrEqual(startedAt)
    expect(all.at(-1)!.time).toBeLessThanOrEqual(Date.now())
    expect(all.every((l) => l.approx === undefined)).toBe(true)

    const since = await orchJson<JsonLine[]>(['logs', 'tick', '--since', new Date(cut).toISOString()])
    expect(since).toEqual(all.filter((l) => l.time >= cut))
    expect(since.length).toBeGreaterThanOrEqual(5)
    const until = await orchJson<JsonLine[]>(['logs', 'tick', '--until', new Date(cut).toISOString()])
    expect(until).toEqual(all.filter((l) => l.time <= cut))
    expect(await orchJson<JsonLine[]>(['logs', 'tick', '--since', '1d', '-n', '3'])).toEqual(all.slice(-3))

    const human = (await orch(['logs', 'tick', '--time', '-n', '3'])).stdout.trimEnd().split('\n')
    expect(human).toEqual(all.slice(-3).map((l) => `${new Date(l.time).toISOString()} ${l.line}`))
  })

  it('a bad --since or --until is a usage error that says what is expected', async () => {
    home()
    const r = await orch(['logs', '--since', 'yesterday'])
    expect(r.error?.message).toMatch(/--since: 'yesterday' is neither a duration back from now \(30s, 10m, 2h, 1d\) nor an ISO time/)
    const r2 = await orch(['logs', '--since', '1m', '--until', '2h'])
    expect(r2.error?.message).toMatch(/--since .* is after --until/)
  })

  it('lines written while no daemon ran get a time at the next start, marked approximate (~)', async () => {
    const t = home()
    await orchJson(['start', writeConfig(t, [{ name: 'tick', script: fixture('tick.js'), env: { TICK_MS: '40' } }])])
    const file = join(t.paths.logsDir, 'tick.out.log')
    await waitFor(() => count(file) >= 3, 'lines with a daemon')
    await waitFor(async () => (await orchJson<JsonLine[]>(['logs', 'tick', '-n', '1'])).length === 1, 'a line')
    const killedAt = Date.now()
    expect(killDaemon(t)).not.toBeNull()
    const atKill = count(file)
    // the agent keeps running and writing with no daemon
    await waitFor(() => count(file) >= atKill + 5, 'lines with no daemon')
    const downLines = await orchJson<JsonLine[]>(['logs', 'tick', '-n', '2'])
    expect(downLines.at(-1)!.approx).toBe(true)
    const restartAt = Date.now()
    await orchJson(['ls']) // starts the daemon again, which adopts the running agent
    const restarted = count(file)
    await waitFor(() => count(file) >= restarted + 3, 'lines with the new daemon')
    await orchJson(['stop', 'tick'])

    const all = await orchJson<JsonLine[]>(['logs', 'tick', '-n', '1000'])
    expect(ascending(times(all))).toBe(true)
    const approx = all.filter((l) => l.approx)
    expect(approx.length).toBeGreaterThanOrEqual(5)
    // written after the last mark before the kill and before the new daemon started: their time is the last write then
    for (const l of approx) {
      expect(l.time).toBeGreaterThanOrEqual(killedAt - 1000)
      expect(l.time).toBeLessThanOrEqual(Date.now())
    }
    expect(Math.max(...times(approx))).toBeGreaterThanOrEqual(restartAt - 1000)
    // the lines after the restart are precise again
    expect(all.at(-1)!.approx).toBeUndefined()
    const human = (await orch(['logs', 'tick', '--time', '-n', '1000'])).stdout
    expect(human).toMatch(/^~\d{4}-\d\d-\d\dT[\d:.]+Z tick tick$/m)
  })

  it("several agents' lines are interleaved in time order", async () => {
    const t = home()
    await orchJson(['start', writeConfig(t, [
      { name: 'a', script: fixture('tick.js'), env: { TICK_MS: '30' } },
      { name: 'b', script: fixture('tick.js'), env: { TICK_MS: '45' } },
    ])])
    await waitFor(() => count(join(t.paths.logsDir, 'a.out.log')) >= 15 && count(join(t.paths.logsDir, 'b.out.log')) >= 15, 'lines of both')
    await orchJson(['stop', 'all'])
    const lines = await orchJson<JsonLine[]>(['logs', '--out', '-n', '10'])
    expect(lines).toHaveLength(20)
    expect(ascending(times(lines))).toBe(true)
    const switches = lines.filter((l, i) => i > 0 && l.agent !== lines[i - 1]!.agent).length
    expect(switches).toBeGreaterThanOrEqual(3)
    const human = (await orch(['logs', '--out', '-n', '10'])).stdout.trimEnd().split('\n')
    expect(human).toEqual(lines.map((l) => `${l.agent} | ${l.line}`))
  })

  it("the SDK logger's lines keep their time and pass their fields through in --json", async () => {
    const t = home()
    await orchJson(['start', writeConfig(t, [{ name: 'echo', script: fixture('sdk-echo.js') }])])
    await waitFor(async () => (await orchJson<Array<{ status: string }>>(['ls']))[0]?.status === 'online', 'echo online')
    const sent = await orchJson<{ ids: string[] }>(['send', 'echo', 'greet', '{"hello":"world"}'])
    const file = join(t.paths.logsDir, 'echo.out.log')
    await waitFor(() => readFileSync(file, 'utf8').includes('"msg":"echoing"'), 'the SDK log line')
    const raw = readFileSync(file, 'utf8').split('\n').find((l) => l.includes('"msg":"echoing"'))!
    const line = (await orchJson<JsonLine[]>(['logs', 'echo', '--out'])).find((l) => l.msg === 'echoing')!
    expect(line).toMatchObject({ agent: 'echo', stream: 'out', level: 'info', msg: 'echoing', messageId: sent.ids[0], type: 'greet', payload: { hello: 'world' }, line: raw })
    expect(line.time).toBe(Date.parse(JSON.parse(raw).time))
  })

  it('rotation moves the index with the copy, and times stay right on both sides', async () => {
    const t = home()
    process.env.ORCH_LOG_CHECK_MS = '100'
    await orchJson(['start', writeConfig(t, [{ name: 'chatty', script: fixture('tick.js'), env: { TICK_MS: '5' }, logMaxSize: '4K', logRetain: 2 }])])
    const out = join(t.paths.logsDir, 'chatty.out.log')
    await waitFor(() => existsSync(`${out}.1`) && existsSync(indexPath(`${out}.1`)), 'a rotated copy with its index')
    await waitFor(() => count(out) >= 5, 'lines after the rotation')
    await orchJson(['stop', 'chatty'])
    // no rotation left to come while the copies are read
    await waitFor(() => statSync(out).size < 4096 && (statSync(out).size === 0 || marked(out)), 'the last rotation done')
    const reasons: string[] = []
    const copy = readLines({ agent: 'chatty', stream: 'out', path: `${out}.1` }, { n: Infinity, daemonRunning: true, onUnusableIndex: (_f, r) => reasons.push(r) })
    expect(reasons).toEqual([])
    expect(copy.length).toBeGreaterThan(10)
    expect(ascending(copy.map((l) => l.time))).toBe(true)
    const r = await orch(['logs', 'chatty', '--out', '-n', '1000', '--json'])
    expect(r.stderr).not.toMatch(/cannot be read/)
    const current = JSON.parse(r.stdout) as JsonLine[]
    expect(ascending(times(current))).toBe(true)
    // (empty only when the stop came just before one more rotation)
    if (current.length > 0) expect(current[0]!.time).toBeGreaterThanOrEqual(copy.at(-1)!.time)
  })

  it('orch flush empties the index with its log: the new lines get their own times', async () => {
    const t = home()
    await orchJson(['start', writeConfig(t, [{ name: 'tick', script: fixture('tick.js'), env: { TICK_MS: '40' } }])])
    const file = join(t.paths.logsDir, 'tick.out.log')
    await waitFor(() => count(file) >= 5, 'lines')
    const flushedAt = Date.now()
    await orchJson(['flush', 'tick'])
    await waitFor(() => count(file) >= 5, 'lines after the flush')
    await orchJson(['stop', 'tick'])
    const r = await orch(['logs', 'tick', '--out', '-n', '1000', '--json'])
    expect(r.stderr).toBe('')
    const lines = JSON.parse(r.stdout) as JsonLine[]
    expect(lines.length).toBe(count(file))
    expect(ascending(times(lines))).toBe(true)
    // the first line may be one the agent wrote while the flush ran, a few ms before it returned
    expect(lines.slice(1).every((l) => l.time >= flushedAt && !l.approx)).toBe(true)
  })

  it('a torn or garbage index does not break orch logs: the file time is used, marked ~, and it says so', async () => {
    const t = home()
    await orchJson(['start', writeConfig(t, [{ name: 'tick', script: fixture('tick.js'), env: { TICK_MS: '40' } }])])
    const file = join(t.paths.logsDir, 'tick.out.log')
    await waitFor(() => count(file) >= 3, 'lines')
    await orchJson(['stop', 'tick'])
    await waitFor(() => marked(file), 'the last lines marked')
    const good = await orchJson<JsonLine[]>(['logs', 'tick'])
    appendFileSync(indexPath(file), Buffer.from([7, 7, 7]))
    expect(await orchJson<JsonLine[]>(['logs', 'tick'])).toEqual(good)

    writeFileSync(indexPath(file), 'garbage, not an index\n')
    const r = await orch(['logs', 'tick', '--time'])
    expect(r.error).toBeUndefined()
    expect(r.stderr).toMatch(/tick\.out\.log\.idx cannot be read \(not an orch time index\)/)
    expect(r.stdout.trimEnd().split('\n').every((l) => /^~\S+Z tick (tick|started)/.test(l))).toBe(true)
  })
})
