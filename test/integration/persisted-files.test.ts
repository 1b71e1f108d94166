import { appendFileSync, existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import type { AgentInfo, DaemonStatus } from '../../src/core/protocol/types.js'
import { fixture, isAlive, orch, orchJson, useHomes, waitFor, writeConfig, type TestHome, killDaemon as killDaemonAndWatchdog } from '../helpers/orch.js'

const home = useHomes()

const ls = (): Promise<AgentInfo[]> => orchJson<AgentInfo[]>(['ls'])
const status = (): Promise<DaemonStatus> => orchJson<DaemonStatus>(['daemon', 'status'])
const FAST = { startGrace: '100ms', backoff: { initial: '10ms' } }
/** Runs a command that must fail; returns its error as `--json` prints it. */
async function failure(args: string[]): Promise<{ code: string; message: string }> {
  const r = await orch([...args, '--json'])
  const out = JSON.parse(r.stdout) as { error?: { code: string; message: string } }
  expect(out.error, `orch ${args.join(' ')} should fail; printed ${r.stdout}`).toBeDefined()
  return out.error!
}
const mode = (file: string): number => statSync(file).mode & 0o777
const agentsDb = (t: TestHome): string => join(t.paths.dataDir, 'agents.db')
const pluginsJson = (t: TestHome): string => join(t.paths.dataDir, 'plugins.json')

/** Files moved aside next to `file` (`<file>.corrupt-<time>`). */
function asideOf(file: string): string[] {
  const dir = join(file, '..')
  const base = file.slice(dir.length + 1)
  return readdirSync(dir)
    .filter((f) => f.startsWith(`${base}.corrupt-`))
    .map((f) => join(dir, f))
}

/** SIGKILLs the daemon and waits until it is gone, so the test can touch its files before the next one starts. */
/** kill -9 of the daemon and its watchdog: it stays down while the test edits its files. */
async function killDaemon(t: TestHome): Promise<void> {
  const pid = killDaemonAndWatchdog(t)!
  await waitFor(() => !isAlive(pid), 'daemon gone')
}

/** Two agents online, their records on disk; returns their pids. */
async function twoAgents(t: TestHome): Promise<Map<string, number>> {
  await orchJson(['start', writeConfig(t, [{ name: 'a', script: fixture('tick.js'), ...FAST }, { name: 'b', script: fixture('tick.js'), ...FAST }])])
  const agents = await waitFor(async () => {
    const all = await ls()
    return all.every((a) => a.status === 'online') && all
  }, 'both online')
  // Saves are coalesced: wait until both online records are in the file.
  await waitFor(() => (readFileSync(agentsDb(t), 'utf8').match(/"status":"online"/g) ?? []).length >= 2, 'records written')
  return new Map(agents.map((a) => [a.id, a.pid!]))
}

describe('data/agents.db', () => {
  it('a torn line, a garbage line and a record without `agent` are moved aside; the daemon starts and re-adopts the rest', async () => {
    const t = home()
    const pids = await twoAgents(t)
    await killDaemon(t)
    const good = readFileSync(agentsDb(t), 'utf8').trimEnd().split('\n')
    const garbage = 'this is not json at all'
    const noAgent = JSON.stringify({ _id: 'ghost', name: 'ghost', index: 0, desired: 'running', status: 'online', pid: null })
    const torn = good.at(-1)!.slice(0, 40)
    writeFileSync(agentsDb(t), `${good[0]}\n${garbage}\n${noAgent}\n${good.slice(1).join('\n')}\n${torn}`)

    const agents = await ls()
    expect(agents.map((a) => [a.id, a.pid])).toEqual([...pids])
    expect(agents.every((a) => a.status === 'online')).toBe(true)
    const s = await status()
    expect(s.recovered).toEqual([
      expect.objectContaining({ file: agentsDb(t), lines: 3, movedTo: expect.stringContaining('agents.db.corrupt-'), reason: expect.stringMatching(/not JSON.*'agent'/s) }),
    ])
    const [aside] = asideOf(agentsDb(t))
    expect(s.recovered[0]!.movedTo).toBe(aside)
    expect(readFileSync(aside!, 'utf8').split('\n')).toEqual([garbage, noAgent, torn, ''])
    expect(mode(aside!)).toBe(0o600)
    expect(readFileSync(t.paths.daemonLog, 'utf8')).toMatch(/"msg":"unreadable records moved aside".*agents\.db/)
    const human = await orch(['daemon', 'status'])
    expect(human.stdout).toMatch(/recovered 1 file.*\n.*agents\.db: 3 records dropped .*kept in .*agents\.db\.corrupt-/)
    // The repaired file stays readable: the next daemon finds nothing to repair.
    await killDaemon(t)
    expect((await ls()).map((a) => a.pid)).toEqual([...pids.values()])
    expect((await status()).recovered).toEqual([])
  })

  it('a record of an unknown format version stops the start with E_FILE_FORMAT and is left untouched', async () => {
    const t = home()
    await twoAgents(t)
    await killDaemon(t)
    const lines = readFileSync(agentsDb(t), 'utf8').trimEnd().split('\n')
    const future = JSON.stringify({ ...JSON.parse(lines[0]!), format: 99 })
    const text = `${future}\n${lines.slice(1).join('\n')}\n`
    writeFileSync(agentsDb(t), text)
    const r = await failure(['ls'])
    expect(r.code).toBe('E_DAEMON_START_FAILED')
    expect(r.message).toMatch(/E_FILE_FORMAT: .*agents\.db has format version 99.*newer orch/)
    expect(readFileSync(agentsDb(t), 'utf8')).toBe(text)
    expect(asideOf(agentsDb(t))).toEqual([])
  })

  it('records written before formats were versioned still load', async () => {
    const t = home()
    const pids = await twoAgents(t)
    await killDaemon(t)
    const unversioned = readFileSync(agentsDb(t), 'utf8').replaceAll(',"format":1', '')
    expect(unversioned).not.toMatch(/"format"/)
    writeFileSync(agentsDb(t), unversioned)
    expect((await ls()).map((a) => [a.id, a.pid])).toEqual([...pids])
    expect((await status()).recovered).toEqual([])
  })

  it('every kind of agent a config can declare is written in a shape the next daemon reads back whole', async () => {
    const t = home()
    const agents = [
      { name: 'n', script: fixture('tick.js'), instances: 2, env: { A: 1, B: true }, maxMemory: '1G', watch: ['./w'], logMaxSize: '1M', ...FAST },
      { name: 'p', type: 'process', command: process.execPath, args: [fixture('tick.js')], dependsOn: ['n'], readyTimeout: '1m', killSignal: 'SIGINT', autorestart: 'on-failure', concurrency: 3, leaseTimeout: '2m', ...FAST },
      { name: 'ext', type: 'external' },
    ]
    await orchJson(['start', writeConfig(t, agents)])
    // p has a readyTimeout and never signals ready: it stays 'starting', with its pid
    const before = await waitFor(async () => {
      const all = await ls()
      return all.filter((a) => a.pid !== null).length === 3 && all.find((a) => a.id === 'n:1')?.status === 'online' && all
    }, 'spawned agents running')
    await waitFor(() => {
      const text = readFileSync(agentsDb(t), 'utf8')
      return before.every((a) => a.pid === null || text.includes(`"pid":${a.pid}`)) && text.includes('"status":"online"')
    }, 'records written')
    await killDaemon(t)
    expect((await ls()).map((a) => [a.id, a.pid])).toEqual(before.map((a) => [a.id, a.pid]))
    expect((await status()).recovered).toEqual([])
    // and desired.json, read back by resurrect
    await orchJson(['kill'])
    expect((await orchJson<{ started: string[] }>(['resurrect'])).started.sort()).toEqual(['ext', 'n:0', 'n:1', 'p'])
  })
})

describe('file modes', () => {
  it('data/*.db are 0600, including an agents.db an earlier release left at 0644', async () => {
    const t = home()
    await twoAgents(t)
    for (const f of ['agents.db', 'queue.db']) expect(mode(join(t.paths.dataDir, f)), f).toBe(0o600)
    await killDaemon(t)
    const { chmodSync } = await import('node:fs')
    chmodSync(agentsDb(t), 0o644)
    await ls()
    expect(mode(agentsDb(t))).toBe(0o600)
  })
})

describe('desired.json', () => {
  it('of the wrong shape is a clear E_FILE_FORMAT error from orch resurrect, not E_INTERNAL', async () => {
    const t = home()
    writeFileSync(t.paths.desiredState, '{"agents":5}')
    const r = await failure(['resurrect'])
    expect(r.code).toBe('E_FILE_FORMAT')
    expect(r.message).toMatch(/desired\.json is not a desired state: 'agents' must be an array of agents, got 5; fix it, or delete it/)
    // Left for the user to fix.
    expect(readFileSync(t.paths.desiredState, 'utf8')).toBe('{"agents":5}')
  })

  it('with an entry of the wrong shape names the field', async () => {
    const t = home()
    writeFileSync(t.paths.desiredState, JSON.stringify({ savedAt: 1, agents: [{ agent: { name: 'x' }, spec: { command: 'node' } }] }))
    const r = await failure(['resurrect'])
    expect(r.code).toBe('E_FILE_FORMAT')
    expect(r.message).toMatch(/'agents\[0\]\.agent\.type' must be required/)
  })

  it('of an unknown format version is E_FILE_FORMAT', async () => {
    const t = home()
    writeFileSync(t.paths.desiredState, JSON.stringify({ version: 7, savedAt: 1, agents: [] }))
    const r = await failure(['resurrect'])
    expect(r.code).toBe('E_FILE_FORMAT')
    expect(r.message).toMatch(/desired\.json has format version 7/)
  })

  it('that is not JSON is moved aside and logged, and orch resurrect says so instead of "nothing to resurrect"', async () => {
    const t = home()
    writeFileSync(t.paths.desiredState, '{"savedAt":1,"agents":[{"agent":{"na')
    const r = await failure(['resurrect'])
    expect(r.code).toBe('E_FILE_FORMAT')
    expect(r.message).toMatch(/desired\.json was unreadable and was moved to .*desired\.json\.corrupt-.*orch start/)
    const [aside] = asideOf(t.paths.desiredState)
    expect(mode(aside!)).toBe(0o600)
    expect((await status()).recovered).toEqual([expect.objectContaining({ file: t.paths.desiredState, movedTo: aside, reason: expect.stringMatching(/not JSON/) })])
    expect(readFileSync(t.paths.daemonLog, 'utf8')).toMatch(/"msg":"unreadable records moved aside".*desired\.json/)
  })

  it('is written with a format version, and an unversioned one still resurrects', async () => {
    const t = home()
    await orchJson(['start', writeConfig(t, [{ name: 'a', script: fixture('tick.js'), ...FAST }])])
    const saved = await waitFor(() => existsSync(t.paths.desiredState) && JSON.parse(readFileSync(t.paths.desiredState, 'utf8')), 'desired.json written')
    expect(saved).toMatchObject({ version: 1, agents: [expect.objectContaining({ agent: expect.objectContaining({ name: 'a' }) })] })
    expect(mode(t.paths.desiredState)).toBe(0o600)
    await orchJson(['kill'])
    const { version: _v, ...unversioned } = JSON.parse(readFileSync(t.paths.desiredState, 'utf8'))
    writeFileSync(t.paths.desiredState, JSON.stringify(unversioned))
    expect(await orchJson(['resurrect'])).toEqual({ started: ['a'] })
  })
})

describe('data/plugins.json', () => {
  const PLUGIN = `export default { name: 'noop', hooks: {} }\n`

  it('is written atomically with a format version, 0600, and read back by the next daemon', async () => {
    const t = home()
    writeFileSync(join(t.home, 'noop.ts'), PLUGIN)
    await orchJson(['start', writeConfig(t, [{ name: 'a', script: fixture('tick.js'), ...FAST }], { plugins: ['./noop.ts'] })])
    expect(JSON.parse(readFileSync(pluginsJson(t), 'utf8'))).toEqual({ version: 1, plugins: [{ spec: './noop.ts', baseDir: t.home }] })
    expect(mode(pluginsJson(t))).toBe(0o600)
    expect(readdirSync(t.paths.dataDir).filter((f) => f.includes('.tmp'))).toEqual([])
  })

  it('that is torn or of the wrong shape is moved aside, logged and listed (not silently read as empty); the daemon starts', async () => {
    for (const bad of ['[{"spec":"./noop.ts","baseD', '{"version":1,"plugins":"nope"}']) {
      const t = home()
      await orchJson(['ls'])
      await killDaemon(t)
      writeFileSync(pluginsJson(t), bad)
      await ls()
      const s = await status()
      expect(s.recovered).toEqual([expect.objectContaining({ file: pluginsJson(t), movedTo: expect.stringContaining('plugins.json.corrupt-') })])
      const [aside] = asideOf(pluginsJson(t))
      expect(readFileSync(aside!, 'utf8')).toBe(bad)
      expect(mode(aside!)).toBe(0o600)
      expect(existsSync(pluginsJson(t))).toBe(false)
      expect(readFileSync(t.paths.daemonLog, 'utf8')).toMatch(/"msg":"unreadable records moved aside".*plugins\.json/)
    }
  })

  it('of an unknown format version stops the start with E_FILE_FORMAT', async () => {
    const t = home()
    await orchJson(['ls'])
    await killDaemon(t)
    writeFileSync(pluginsJson(t), JSON.stringify({ version: 3, plugins: [] }))
    const r = await failure(['ls'])
    expect(r.message).toMatch(/E_FILE_FORMAT: .*plugins\.json has format version 3/)
  })
})

describe('daemon.log', () => {
  const saved = { ...process.env }
  afterEach(() => {
    for (const k of ['ORCH_DAEMON_LOG_MAX_SIZE', 'ORCH_DAEMON_LOG_RETAIN', 'ORCH_LOG_CHECK_MS']) {
      if (saved[k] === undefined) delete process.env[k]
      else process.env[k] = saved[k]
    }
  })

  it('rotates by size and keeps ORCH_DAEMON_LOG_RETAIN copies, and the daemon goes on writing to it', async () => {
    const t = home()
    process.env.ORCH_DAEMON_LOG_MAX_SIZE = '4K'
    process.env.ORCH_DAEMON_LOG_RETAIN = '2'
    process.env.ORCH_LOG_CHECK_MS = '50'
    const filler = `${'x'.repeat(99)}\n`.repeat(50) // 5000 bytes
    writeFileSync(t.paths.daemonLog, filler, { mode: 0o600 })
    await orchJson(['ls'])
    // Over the size before the daemon even started: cut at start-up.
    await waitFor(() => existsSync(`${t.paths.daemonLog}.1`), 'daemon.log.1')
    for (const n of [2, 3]) {
      appendFileSync(t.paths.daemonLog, filler)
      await waitFor(() => statSync(t.paths.daemonLog).size < 4096 && readFileSync(t.paths.daemonLog, 'utf8').includes('"msg":"log rotated"'), `rotation ${n}`)
    }
    expect(existsSync(`${t.paths.daemonLog}.2`)).toBe(true)
    expect(existsSync(`${t.paths.daemonLog}.3`)).toBe(false)
    // The logger's descriptor follows the truncation: new lines land in daemon.log, from its start.
    await orchJson(['start', writeConfig(t, [{ name: 'a', script: fixture('tick.js'), ...FAST }])])
    await waitFor(() => readFileSync(t.paths.daemonLog, 'utf8').includes('"agent":"a"'), 'new lines in daemon.log')
    expect(readFileSync(t.paths.daemonLog, 'utf8').startsWith('{')).toBe(true)
  })
})
