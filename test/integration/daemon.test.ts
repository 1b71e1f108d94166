import { execFile } from 'node:child_process'
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterEach, describe, expect, it } from 'vitest'
import type { AgentInfo } from '../../src/core/protocol/types.js'
import { PROTOCOL_VERSION } from '../../src/core/protocol/version.js'
import { useHomes, fixture, isAlive, makeHome, orch, orchJson, ROOT, waitFor, writeConfig, type TestHome } from '../helpers/orch.js'
import { RawPeer } from '../helpers/raw-socket.js'

const run = promisify(execFile)
const home = useHomes()

/** Daemon processes of this ORCH_HOME, found in /proc by their command line and environment. */
function daemonsOf(t: TestHome): number[] {
  return readdirSync('/proc')
    .filter((e) => /^\d+$/.test(e))
    .filter((pid) => {
      try {
        const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')
        const env = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0')
        // node running the daemon's main (after its node options), not its watchdog (a shell that names main.js in its arguments)
        return argv[0] === process.execPath && argv.slice(1).find((a) => !a.startsWith('--'))?.endsWith('daemon/main.js') && env.includes(`ORCH_HOME=${t.home}`) && isAlive(Number(pid))
      } catch {
        return false
      }
    })
    .map(Number)
}

const cli = (t: TestHome, args: string[]) =>
  run(process.execPath, [join(ROOT, 'bin/run.js'), ...args], { env: { ...process.env, ORCH_HOME: t.home } })

describe('the daemon', () => {
  it('is one per ORCH_HOME even when several commands race to start it', async () => {
    const t = home()
    const cfg = writeConfig(t, [{ name: 'solo', script: fixture('tick.js') }])
    const results = await Promise.all([cli(t, ['start', cfg, '--json']), cli(t, ['start', cfg, '--json']), cli(t, ['ls', '--json'])])
    const started = results.slice(0, 2).flatMap((r) => (JSON.parse(r.stdout) as { started: string[] }).started)
    expect(started).toEqual(['solo'])
    // A daemon that lost the race exits by itself once it sees the lock taken.
    await waitFor(() => daemonsOf(t).length === 1, 'one daemon left')
    const status = await orchJson<{ pid: number }>(['daemon', 'status'])
    expect(daemonsOf(t)).toEqual([status.pid])
    const agents = await orchJson<AgentInfo[]>(['ls'])
    expect(agents).toHaveLength(1)
  })

  it('keeps ORCH_HOME at 0700 and the socket at 0600, fixing a home open to others', async () => {
    const t = home()
    chmodSync(t.home, 0o755)
    await orchJson(['ls'])
    expect(statSync(t.home).mode & 0o777).toBe(0o700)
    expect(statSync(t.paths.socket).mode & 0o777).toBe(0o600)
    expect(readFileSync(t.paths.daemonLog, 'utf8')).toMatch(/ORCH_HOME had mode 755; set to 700/)
  })

  it('answers garbage with errors and keeps serving', async () => {
    const t = home()
    await orchJson(['ls'])
    const peer = await RawPeer.open(t.paths.socket)
    peer.write('{"id":1,"method":"agents.list"}\n')
    expect((await peer.next(1)).error).toMatchObject({ code: 'E_PROTOCOL', message: expect.stringMatching(/say hello first/) })
    peer.write(`{"id":2,"method":"hello","params":{"version":${PROTOCOL_VERSION},"client":"cli"}}\n`)
    expect((await peer.next(2)).result).toMatchObject({ version: PROTOCOL_VERSION })
    peer.write('this is not json\n')
    expect((await peer.next(3)).error).toMatchObject({ code: 'E_PROTOCOL', message: expect.stringMatching(/malformed JSON/) })
    peer.write('{"id":4,"method":"agents.explode"}\n')
    expect(await peer.next(4)).toMatchObject({ id: 4, error: { code: 'E_UNKNOWN_METHOD' } })
    peer.write('{"id":5,"method":"agents.stop","params":{"target":42}}\n')
    expect(await peer.next(5)).toMatchObject({ id: 5, error: { code: 'E_BAD_PARAMS', message: expect.stringMatching(/'target' must be a non-empty string, got 42/) } })
    peer.write('[1,2,3]\n')
    expect((await peer.next(6)).error.code).toBe('E_PROTOCOL')
    // one hello per connection (a version mismatch on a fresh one: test/integration/protocol-contract.test.ts)
    peer.write(`{"id":7,"method":"hello","params":{"version":${PROTOCOL_VERSION + 1},"client":"cli"}}\n`)
    expect((await peer.next(7)).error).toMatchObject({ code: 'E_PROTOCOL', message: expect.stringMatching(/already said hello/) })
    // 2 MiB without a newline, in pieces: dropped, reported once, connection still usable.
    const big = 'x'.repeat(256 * 1024)
    for (let i = 0; i < 8; i++) peer.write(big)
    peer.write('\n{"id":8,"method":"agents.list"}\n')
    expect((await peer.next(8)).error.code).toBe('E_FRAME_TOO_LARGE')
    expect(await peer.next(9)).toMatchObject({ id: 8, result: [] })
    // Two requests in one chunk, and one split mid-character ('é' is two bytes).
    peer.write('{"id":9,"method":"agents.list"}\n{"id":10,"method":"daemon.status"}\n')
    const bytes = Buffer.from('{"id":11,"method":"agents.describe","params":{"name":"é"}}\n')
    const cut = bytes.indexOf(0xc3) + 1
    peer.write(bytes.subarray(0, cut))
    peer.write(bytes.subarray(cut))
    const ids = [await peer.next(10), await peer.next(11), await peer.next(12)].map((f) => f.id)
    expect(ids.sort()).toEqual([10, 11, 9])
    expect(peer.frames.find((f: any) => f.id === 11)).toMatchObject({ error: { message: expect.stringContaining("no agent named 'é'") } })
    peer.close()
    expect(await orchJson<{ pid: number }>(['daemon', 'status'])).toMatchObject({ pid: expect.any(Number) })
  })

  it('replaces the stale socket and pid file of a killed daemon', async () => {
    const t = home()
    const { pid } = await orchJson<{ pid: number }>(['daemon', 'restart'])
    process.kill(pid, 'SIGKILL')
    await waitFor(() => !isAlive(pid), 'daemon dead')
    expect(existsSync(t.paths.socket)).toBe(true)
    const status = await orchJson<{ pid: number }>(['ls']).then(() => orchJson<{ pid: number }>(['daemon', 'status']))
    expect(status.pid).not.toBe(pid)
    expect(Number(readFileSync(t.paths.pidFile, 'utf8'))).toBe(status.pid)
  })

  it('says why it could not start, with the tail of its log and its path', async () => {
    const t = home()
    const deep = join(t.home, 'x'.repeat(120))
    mkdirSync(deep)
    process.env.ORCH_HOME = deep
    const r = await orch(['ls'])
    process.env.ORCH_HOME = t.home
    expect(r.error?.message).toMatch(/did not start/)
    expect(r.error?.message).toContain(join(deep, 'daemon.log'))
    expect(r.error?.message).toMatch(/set ORCH_HOME to a shorter path/)
  })

  it('rejects a bad config, naming file, agent and field, and changes nothing that runs', async () => {
    const t = home()
    const good = writeConfig(t, [{ name: 'keep', script: fixture('tick.js') }])
    await orchJson(['start', good])
    const before = await waitFor(async () => (await orchJson<AgentInfo[]>(['ls']))[0]?.pid, 'keep running')
    const bad = writeConfig(t, [{ name: 'keep', script: fixture('tick.js'), instances: 'four' }, { name: 'new', script: fixture('tick.js') }], {}, 'bad.json')
    const r = await orch(['start', bad])
    expect(r.error?.message).toContain(bad)
    expect(r.error?.message).toMatch(/agents\[0\] \(agent 'keep'\): field 'instances' must be a whole number from 1 to 256, got "four"/)
    const json = JSON.parse((await orch(['start', bad, '--json'])).stdout)
    expect(json.error.code).toBe('E_CONFIG_INVALID')
    const syntax = join(t.home, 'broken.config.ts')
    writeFileSync(syntax, 'export default { agents: [ { name: "x", script: }')
    const r2 = await orch(['start', syntax])
    expect(r2.error?.message).toContain(syntax)
    const after = await orchJson<AgentInfo[]>(['ls'])
    expect(after.map((a) => [a.id, a.pid])).toEqual([['keep', before]])
  })

  it('finds ecosystem.config.* from the current directory (YAML here) and --only starts one agent', async () => {
    const t = home()
    writeFileSync(
      join(t.home, 'ecosystem.config.yaml'),
      `agents:\n  - name: a\n    script: ${fixture('tick.js')}\n  - name: b\n    script: ${fixture('tick.js')}\n`,
    )
    const cwd = process.cwd()
    process.chdir(t.home)
    try {
      const r = await orchJson<{ started: string[] }>(['start', '--only', 'b'])
      expect(r.started).toEqual(['b'])
      expect((await orchJson<AgentInfo[]>(['ls'])).map((a) => a.name)).toEqual(['b'])
      const unknown = await orch(['start', '--only', 'zz'])
      expect(unknown.error?.message).toMatch(/no agent named 'zz' in .*ecosystem.config.yaml; known: a, b/)
    } finally {
      process.chdir(cwd)
    }
  })

  it('reports a missing config with what to do', async () => {
    const t = home()
    const r = await orch(['start', join(t.home, 'nope.config.ts')])
    expect(r.error?.message).toMatch(/does not exist/)
  })
})

describe('agents', () => {
  it('stop reaches a grandchild in the process group', async () => {
    const t = home()
    const cfg = writeConfig(t, [{ name: 'gp', script: fixture('grandchild.js') }])
    await orchJson(['start', cfg])
    const line = await waitFor(() => /grandchild pid (\d+)/.exec(readFileSync(join(t.paths.logsDir, 'gp.out.log'), 'utf8')), 'grandchild pid')
    const grandchild = Number(line[1])
    expect(isAlive(grandchild)).toBe(true)
    await orchJson(['stop', 'gp'])
    expect(isAlive(grandchild)).toBe(false)
  })

  it('SIGKILLs an agent that ignores SIGTERM after killTimeout', async () => {
    const t = home()
    const cfg = writeConfig(t, [{ name: 'stubborn', script: fixture('ignore-sigterm.js'), killTimeout: '300ms' }])
    await orchJson(['start', cfg])
    const pid = await waitFor(async () => (await orchJson<AgentInfo[]>(['ls']))[0]?.pid, 'stubborn pid')
    await waitFor(() => readFileSync(join(t.paths.logsDir, 'stubborn.out.log'), 'utf8').includes('started'), 'handler installed')
    const [stopped] = await orchJson<AgentInfo[]>(['stop', 'stubborn'])
    expect(stopped!.status).toBe('stopped')
    expect(isAlive(pid)).toBe(false)
    const d = await orchJson<{ events: Array<{ reason: string }> }>(['describe', 'stubborn'])
    expect(d.events.at(-1)!.reason).toMatch(/SIGKILL after 300ms/)
  })

  it('runs any program with the process type, with orch variables and the config env', async () => {
    const t = home()
    const script = 'import os,time\nprint(os.environ["ORCH_AGENT_NAME"], os.environ["ORCH_SOCKET"], os.environ["GREETING"], flush=True)\ntime.sleep(60)\n'
    writeFileSync(join(t.home, 'agent.py'), script)
    const cfg = writeConfig(t, [{ name: 'py', type: 'process', command: 'python3', args: ['-u', 'agent.py'], cwd: t.home, env: { GREETING: 'hi' } }])
    await orchJson(['start', cfg])
    const out = await waitFor(() => readFileSync(join(t.paths.logsDir, 'py.out.log'), 'utf8').trim(), 'python output')
    expect(out).toBe(`py ${t.paths.socket} hi`)
  })

  it('loads agent types from a plugin named by the config', async () => {
    const t = home()
    writeFileSync(
      join(t.home, 'echo-plugin.ts'),
      `import { str, type OrchPlugin } from '${join(ROOT, 'src/index.ts')}'
const plugin: OrchPlugin = {
  name: 'echo',
  agentTypes: [{
    name: 'echo',
    description: 'prints its words forever',
    options: { words: str({ nonEmpty: true }) },
    toSpawnSpec: (a) => ({ command: process.execPath, args: ['-e', 'console.log(process.argv[1]); setInterval(() => {}, 1000)', String(a.raw.words)] }),
  }],
}
export default plugin
`,
    )
    const cfg = writeConfig(t, [{ name: 'e', type: 'echo', words: 'hello from a plugin' }], { plugins: ['./echo-plugin.ts'] })
    await orchJson(['start', cfg])
    await waitFor(() => readFileSync(join(t.paths.logsDir, 'e.out.log'), 'utf8').includes('hello from a plugin'), 'plugin agent output')
    const bad = writeConfig(t, [{ name: 'f', type: 'echo' }], { plugins: ['./echo-plugin.ts'] }, 'bad.json')
    const r = await orch(['start', bad])
    expect(r.error?.message).toMatch(/agent 'f'\): field 'words' is required/)
    const unknown = writeConfig(t, [{ name: 'g', type: 'teleport' }], {}, 'unknown.json')
    expect((await orch(['start', unknown])).error?.message).toMatch(/unknown agent type "teleport"; known types: echo, external, node, process/)
  })
})
