import { spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AgentInfo } from '../../src/core/protocol/types.js'
import { cleanup, fixture, isAlive, makeHome, orch, orchJson, ROOT, waitFor, writeConfig, type TestHome } from '../helpers/orch.js'

let t: TestHome
let config: string

beforeAll(() => {
  t = makeHome()
  config = writeConfig(t, [
    { name: 'alpha', script: fixture('tick.js'), env: { TICK_MS: '200' }, startGrace: '200ms' },
    { name: 'beta', script: fixture('tick.js'), startGrace: '200ms', instances: 2 },
  ])
})
afterAll(() => cleanup(t))

const list = (): Promise<AgentInfo[]> => orchJson<AgentInfo[]>(['ls'])
const allOnline = async (): Promise<AgentInfo[] | false> => {
  const agents = await list()
  return agents.length === 3 && agents.every((a) => a.status === 'online') && agents
}

describe('orch start / ls / logs / stop / restart / delete', () => {
  it('starts the daemon and every agent of a config', async () => {
    const r = await orchJson<{ started: string[]; agents: AgentInfo[] }>(['start', config])
    expect(r.started.sort()).toEqual(['alpha', 'beta:0', 'beta:1'])
    // the rows it answers are the agents as they start (spawned, with a pid), not a stale `stopped`
    for (const a of r.agents) expect([a.id, a.status, a.pid! > 0]).toEqual([a.id, 'starting', true])
    const agents = await waitFor(allOnline, 'three agents online')
    for (const a of agents) {
      expect(a).toMatchObject({ type: 'node', status: 'online', restarts: 0 })
      expect(a.pid).toBeGreaterThan(0)
      expect(isAlive(a.pid!)).toBe(true)
      expect(typeof a.uptime).toBe('number')
      expect(typeof a.cpu).toBe('number')
      expect(typeof a.memory).toBe('number')
    }
    expect(agents.map((a) => [a.name, a.instance])).toEqual([['alpha', 0], ['beta', 0], ['beta', 1]])
  })

  it('is idempotent by name: a second start starts nothing new', async () => {
    const before = await list()
    const r = await orchJson<{ started: string[]; unchanged: string[] }>(['start', config])
    expect(r.started).toEqual([])
    expect(r.unchanged.sort()).toEqual(['alpha', 'beta:0', 'beta:1'])
    expect((await list()).map((a) => a.pid)).toEqual(before.map((a) => a.pid))
  })

  it('shows a human table with every column', async () => {
    const r = await orch(['ls'])
    const [header, ...rows] = r.stdout.trim().split('\n')
    // columns are two spaces apart; 'in flight' is one
    expect(header!.split(/\s{2,}/)).toEqual(['name', 'type', 'status', 'pid', 'uptime', 'restarts', 'cpu', 'memory', 'inbox', 'in flight'])
    expect(rows.map((l) => l.split(/\s+/)[0])).toEqual(['alpha', 'beta:0', 'beta:1'])
    expect(rows.every((l) => l.includes('online'))).toBe(true)
  })

  it('gives each instance its own log, number and environment', async () => {
    for (const n of [0, 1]) {
      await waitFor(() => readFileSync(`${t.paths.logsDir}/beta.${n}.out.log`, 'utf8').includes(`beta:${n} started`), `beta:${n} output`)
    }
  })

  it('orch logs NAME prints the last lines; with no name every agent with a prefix', async () => {
    await waitFor(() => readFileSync(`${t.paths.logsDir}/alpha.out.log`, 'utf8').split('\n').length > 3, 'a few alpha ticks')
    const one = await orch(['logs', 'alpha', '--lines', '2'])
    expect(one.stdout.trim().split('\n')).toHaveLength(2)
    expect(one.stdout).toMatch(/^alpha tick$/m)
    const all = await orch(['logs', '--lines', '1'])
    expect(all.stdout).toMatch(/^alpha \| /m)
    expect(all.stdout).toMatch(/^beta:0 \| /m)
    expect(all.stdout).toMatch(/^beta:1 \| /m)
    const json = await orchJson<Array<{ agent: string; line: string }>>(['logs', 'beta', '--lines', '1'])
    // one line of each instance, in the order they were written
    expect(json.map((l) => l.agent).sort()).toEqual(['beta:0', 'beta:1'])
  })

  it('orch logs -f follows new lines as they are written', async () => {
    const child = spawn(process.execPath, [join(ROOT, 'bin/run.js'), 'logs', 'alpha', '-f', '--lines', '0'], { env: { ...process.env, ORCH_HOME: t.home } })
    try {
      let out = ''
      child.stdout.on('data', (d: Buffer) => (out += d.toString()))
      await waitFor(() => out.split('\n').filter((l) => l === 'alpha tick').length >= 2, 'two followed lines')
    } finally {
      child.kill('SIGKILL')
    }
  })

  it('orch logs of an unknown agent says which agents exist', async () => {
    const r = await orch(['logs', 'nope'])
    expect(r.error?.message).toMatch(/no agent named 'nope'; known: alpha, beta/)
  })

  it('stop NAME stops only that agent and its process is gone', async () => {
    const alpha = (await list()).find((a) => a.name === 'alpha')!
    const stopped = await orchJson<AgentInfo[]>(['stop', 'alpha'])
    expect(stopped).toMatchObject([{ name: 'alpha', status: 'stopped', pid: null }])
    expect(isAlive(alpha.pid!)).toBe(false)
    expect((await list()).filter((a) => a.status === 'online')).toHaveLength(2)
  })

  it('restart NAME gives a new process and counts the restart', async () => {
    const before = (await list()).find((a) => a.id === 'beta:0')!
    const r = await orchJson<AgentInfo[]>(['restart', 'beta:0'])
    expect(r[0]!.pid).not.toBe(before.pid)
    expect(r[0]!.restarts).toBe(before.restarts + 1)
    expect(isAlive(before.pid!)).toBe(false)
  })

  it('start NAME starts a stopped agent again', async () => {
    const r = await orchJson<{ agents: AgentInfo[] }>(['start', 'alpha'])
    expect(r.agents.map((a) => [a.status, a.pid! > 0])).toEqual([['starting', true]])
    await waitFor(async () => (await list()).find((a) => a.name === 'alpha')?.status === 'online', 'alpha online again')
  })

  it('unknown names are errors that list the known agents, with nothing changed', async () => {
    const before = await list()
    for (const verb of ['stop', 'restart', 'delete', 'describe']) {
      const r = await orch([verb, 'ghost'])
      expect(r.error?.message).toContain("no agent named 'ghost'; known: alpha, beta")
    }
    const json = await orch(['stop', 'ghost', '--json'])
    expect(JSON.parse(json.stdout).error.code).toBe('E_UNKNOWN_AGENT')
    expect((await list()).map((a) => [a.id, a.pid])).toEqual(before.map((a) => [a.id, a.pid]))
  })

  it('describe shows definition, state and events', async () => {
    const d = await orchJson<{ events: Array<{ to: string; reason: string }>; definition: { name: string }; logs: { out: string } }>(['describe', 'alpha'])
    expect(d.definition.name).toBe('alpha')
    expect(d.events.map((e) => e.to)).toEqual(expect.arrayContaining(['starting', 'online', 'stopping', 'stopped']))
    expect(d.events.find((e) => e.to === 'stopped')?.reason).toMatch(/stopped by user/)
    expect(d.logs.out).toMatch(/alpha\.out\.log$/)
    const human = await orch(['describe', 'alpha'])
    expect(human.stdout).toMatch(/status\s+online/)
    expect(human.stdout).toMatch(/stopped by user/)
  })

  it('delete all stops and forgets every agent', async () => {
    const pids = (await list()).map((a) => a.pid!).filter(Boolean)
    const r = await orchJson<{ deleted: string[] }>(['delete', 'all'])
    expect(r.deleted.sort()).toEqual(['alpha', 'beta:0', 'beta:1'])
    expect(await list()).toEqual([])
    for (const pid of pids) expect(isAlive(pid)).toBe(false)
  })

  it('kill stops the agents, then the daemon, and removes its socket', async () => {
    await orchJson(['start', config])
    const agents = await waitFor(allOnline, 'agents online again')
    const status = await orchJson<{ pid: number }>(['daemon', 'status'])
    const r = await orchJson<{ stopped: string[]; daemon: string }>(['kill'])
    expect(r.daemon).toBe('stopped')
    expect(r.stopped.sort()).toEqual(['alpha', 'beta:0', 'beta:1'])
    for (const a of agents) expect(isAlive(a.pid!)).toBe(false)
    expect(isAlive(status.pid)).toBe(false)
    expect(() => readFileSync(t.paths.socket)).toThrow()
    expect(await orchJson(['daemon', 'status'])).toMatchObject({ running: false })
  })
})
