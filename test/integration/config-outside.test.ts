import { existsSync, readdirSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { AgentInfo } from '../../src/core/protocol/types.js'
import { runBin } from '../helpers/bin.js'
import { fixture, isAlive, orchJson, useHomes, waitFor, type TestHome } from '../helpers/orch.js'

const home = useHomes()

const daemonPid = (t: TestHome): number => Number(readFileSync(t.paths.pidFile, 'utf8'))
const outLog = (t: TestHome, id: string): string => {
  try {
    return readFileSync(join(t.paths.logsDir, `${id.replace(':', '.')}.out.log`), 'utf8')
  } catch {
    return ''
  }
}
/** The last JSON line env-print.js wrote. */
async function printedEnv(t: TestHome, id: string, count = 1): Promise<Record<string, string | null>> {
  const lines = await waitFor(() => {
    const l = outLog(t, id).trim().split('\n').filter(Boolean)
    return l.length >= count && l
  }, `${id} printing its environment`)
  return JSON.parse(lines.at(-1)!) as Record<string, string | null>
}

/** Which of `pids` hold a socket listening on `port` (from /proc/net/tcp and their fds). */
function listeners(port: number, pids: number[]): number[] {
  const hex = port.toString(16).toUpperCase().padStart(4, '0')
  const inodes = new Set(
    readFileSync('/proc/net/tcp', 'utf8')
      .split('\n')
      .slice(1)
      .map((l) => l.trim().split(/\s+/))
      .filter((f) => f[1]?.endsWith(`:${hex}`) && f[3] === '0A')
      .map((f) => f[9]),
  )
  return pids.filter((pid) => {
    try {
      return readdirSync(`/proc/${pid}/fd`).some((fd) => {
        try {
          const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`))
          return m !== null && inodes.has(m[1])
        } catch {
          return false
        }
      })
    } catch {
      return false
    }
  })
}

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createServer()
    s.once('error', () => resolve(false))
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)))
  })
}

const list = (t: TestHome) => runBin(['ls', '--json'], { ORCH_HOME: t.home }).then((r) => JSON.parse(r.stdout) as AgentInfo[])

describe('configs are evaluated outside the daemon', () => {
  it("gives a JS config the caller's environment, not the one that started the daemon", async () => {
    const t = home()
    // the daemon starts from an environment without PARENT_VAR
    expect((await runBin(['daemon', 'status', '--json'], { ORCH_HOME: t.home, PARENT_VAR: undefined })).status).toBe(0)
    writeFileSync(
      join(t.home, 'ecosystem.config.mjs'),
      `export default { agents: [{ name: 'e', script: ${JSON.stringify(fixture('env-print.js'))}, args: ['FROM_CONFIG', 'PARENT_VAR'], env: { FROM_CONFIG: 'cfg-' + process.env.PARENT_VAR } }] }\n`,
    )
    const r = await runBin(['start', '--json'], { ORCH_HOME: t.home, PARENT_VAR: 'from-shell' }, { cwd: t.home })
    expect(r.status, r.stderr).toBe(0)
    expect(await printedEnv(t, 'e')).toEqual({ FROM_CONFIG: 'cfg-from-shell', PARENT_VAR: 'from-shell' })
  })

  it('expands ${VAR} and ${VAR:-default} in a YAML config, and refuses an unset ${VAR} with the fix', async () => {
    const t = home()
    const file = join(t.home, 'ecosystem.config.yaml')
    writeFileSync(
      file,
      [
        'agents:',
        '  - name: y',
        `    script: ${fixture('env-print.js')}`,
        '    args: [KEY, MODE, LITERAL]',
        '    env:',
        '      KEY: "k-${API_KEY}"',
        '      MODE: "${MODE:-dev}"',
        '      LITERAL: "$${NOT_EXPANDED}"',
        '',
      ].join('\n'),
    )
    const r = await runBin(['start', file, '--json'], { ORCH_HOME: t.home, API_KEY: 'secret1', MODE: undefined })
    expect(r.status, r.stderr).toBe(0)
    expect(await printedEnv(t, 'y')).toEqual({ KEY: 'k-secret1', MODE: 'dev', LITERAL: '${NOT_EXPANDED}' })

    await runBin(['delete', 'all'], { ORCH_HOME: t.home })
    const bad = await runBin(['start', file, '--json'], { ORCH_HOME: t.home, API_KEY: undefined })
    expect(bad.status).toBe(1)
    const err = JSON.parse(bad.stdout) as { error: { code: string; message: string } }
    expect(err.error.code).toBe('E_CONFIG_INVALID')
    expect(err.error.message).toContain('agents[0].env.KEY uses ${API_KEY}, but API_KEY is not set')
    expect(err.error.message).toContain('${API_KEY:-default}')
    expect(await list(t)).toEqual([])
  })

  it('keeps an agent on the environment it started with; --update-env on start and restart takes the new one', async () => {
    const t = home()
    const file = join(t.home, 'ecosystem.config.json')
    writeFileSync(file, JSON.stringify({ agents: [{ name: 'u', script: fixture('env-print.js'), args: ['TOKEN_X'] }] }))
    expect((await runBin(['start', file], { ORCH_HOME: t.home, TOKEN_X: 'one' })).status).toBe(0)
    expect(await printedEnv(t, 'u')).toEqual({ TOKEN_X: 'one' })
    const [first] = await list(t)

    // another shell, no flag: the running agent keeps its environment, and the command says so
    const again = await runBin(['start', file], { ORCH_HOME: t.home, TOKEN_X: 'two' })
    expect(again.stdout).toContain('--update-env')
    expect((await list(t))[0]!.pid).toBe(first!.pid)
    const env = await orchJson<Array<{ source: string; env: Record<string, string> }>>(['env', 'u'])
    expect(env[0]!.source).toBe('process')
    expect(env[0]!.env.TOKEN_X).toBe('one')
    expect(env[0]!.env.ORCH_AGENT_TOKEN).toBe('***')

    // restart --update-env: this shell's environment, from now on; the row is the new process, not a stale `stopped`
    const restarted = await runBin(['restart', 'u', '--update-env', '--json'], { ORCH_HOME: t.home, TOKEN_X: 'three' })
    expect(restarted.status).toBe(0)
    const [row] = JSON.parse(restarted.stdout) as AgentInfo[]
    expect(row!.status).not.toBe('stopped')
    expect(row!.pid).not.toBe(first!.pid)
    expect(row!.pid).toBeGreaterThan(0)
    expect(await printedEnv(t, 'u', 2)).toEqual({ TOKEN_X: 'three' })
    expect((await runBin(['restart', 'u'], { ORCH_HOME: t.home, TOKEN_X: 'ignored' })).status).toBe(0)
    expect(await printedEnv(t, 'u', 3)).toEqual({ TOKEN_X: 'three' })

    // start --update-env restarts the running agent it changes
    const upd = await runBin(['start', file, '--update-env', '--json'], { ORCH_HOME: t.home, TOKEN_X: 'four' })
    expect(upd.status, upd.stderr).toBe(0)
    expect((JSON.parse(upd.stdout) as { restarted: string[] }).restarted).toEqual(['u'])
    expect(await printedEnv(t, 'u', 4)).toEqual({ TOKEN_X: 'four' })
  })

  it('says a running agent whose definition changed keeps running as it was, and that orch restart applies it', async () => {
    const t = home()
    const file = join(t.home, 'ecosystem.config.json')
    const write = (mode: string) => writeFileSync(file, JSON.stringify({ agents: [{ name: 'd', script: fixture('env-print.js'), args: ['MODE'], env: { MODE: mode } }] }))
    write('a')
    expect((await runBin(['start', file], { ORCH_HOME: t.home })).status).toBe(0)
    await printedEnv(t, 'd')
    write('b')
    const r = await runBin(['start', file], { ORCH_HOME: t.home })
    expect(r.stdout).toContain('definition changed for d')
    expect(r.stdout).toContain('orch restart d applies it')
    const json = JSON.parse((await runBin(['start', file, '--json'], { ORCH_HOME: t.home })).stdout) as { changed: string[]; unchanged: string[] }
    expect(json.changed).toEqual(['d'])
    expect(json.unchanged).toEqual([])
    expect(await printedEnv(t, 'd')).toEqual({ MODE: 'a' })
    await runBin(['restart', 'd'], { ORCH_HOME: t.home })
    expect(await printedEnv(t, 'd', 2)).toEqual({ MODE: 'b' })
    expect((JSON.parse((await runBin(['start', file, '--json'], { ORCH_HOME: t.home })).stdout) as { changed: string[] }).changed).toEqual([])
  })

  it('does not let a slow config hold up other clients', async () => {
    const t = home()
    expect((await runBin(['daemon', 'status'], { ORCH_HOME: t.home })).status).toBe(0)
    const marker = join(t.home, 'evaluating')
    writeFileSync(
      join(t.home, 'slow.config.mjs'),
      `import { writeFileSync, existsSync } from 'node:fs'\n` +
        `writeFileSync(${JSON.stringify(marker)}, '1')\n` +
        `await new Promise((r) => { const i = setInterval(() => { if (existsSync(${JSON.stringify(marker + '.go')})) { clearInterval(i); r() } }, 20) })\n` +
        `export default { agents: [{ name: 'slow', script: ${JSON.stringify(fixture('tick.js'))} }] }\n`,
    )
    let startDone = false
    const start = runBin(['start', join(t.home, 'slow.config.mjs'), '--json'], { ORCH_HOME: t.home }).then((r) => {
      startDone = true
      return r
    })
    await waitFor(() => existsSync(marker), 'the config being evaluated')
    // the config is in the middle of its top level: the daemon still answers
    const ls = await runBin(['ls', '--json'], { ORCH_HOME: t.home })
    expect(ls.status).toBe(0)
    expect(JSON.parse(ls.stdout)).toEqual([])
    expect(startDone).toBe(false)
    writeFileSync(marker + '.go', '1')
    const r = await start
    expect(r.status, r.stderr).toBe(0)
    expect((JSON.parse(r.stdout) as { started: string[] }).started).toEqual(['slow'])
  })

  it('stops a config that loops at the time limit, and one that throws or exits, with a clear error', async () => {
    const t = home()
    const cases: Array<[string, string, string]> = [
      ['loop.config.mjs', 'while (true) {}\n', 'took longer than 1s to evaluate'],
      ['throw.config.mjs', "throw new Error('boom from config')\n", 'boom from config'],
      ['exit.config.mjs', "console.error('leaving now'); process.exit(3)\n", 'exit code 3'],
    ]
    for (const [name, body, text] of cases) {
      writeFileSync(join(t.home, name), body)
      const r = await runBin(['start', join(t.home, name), '--json'], { ORCH_HOME: t.home, ORCH_CONFIG_TIMEOUT: '1s' })
      expect(r.status, name).toBe(1)
      const err = JSON.parse(r.stdout) as { error: { code: string; message: string } }
      expect(err.error.code).toBe('E_CONFIG_INVALID')
      expect(err.error.message).toContain(text)
    }
    expect((await runBin(['daemon', 'status'], { ORCH_HOME: t.home })).status).toBe(0)
    // and the loader processes are gone
    const loaders = readdirSync('/proc').filter((p) => {
      try {
        return /^\d+$/.test(p) && readFileSync(`/proc/${p}/cmdline`, 'utf8').includes('loader-main.js') && readFileSync(`/proc/${p}/environ`, 'utf8').includes(t.home)
      } catch {
        return false
      }
    })
    expect(loaders).toEqual([])
  })

  it('leaves the port a config listens on to nobody, and writes no transpiled config outside ORCH_HOME', async () => {
    const t = home()
    const portFile = join(t.home, 'config-port')
    const secret = `s3cret-${process.pid}-${Date.now()}`
    writeFileSync(
      join(t.home, 'ecosystem.config.ts'),
      `import { createServer } from 'node:net'\nimport { writeFileSync } from 'node:fs'\n` +
        `const s = createServer(); s.listen(0, '127.0.0.1', () => writeFileSync(${JSON.stringify(portFile)}, String((s.address() as { port: number }).port)))\n` +
        `await new Promise((r) => setTimeout(r, 200))\n` +
        `const key: string = '${secret}'\n` +
        `export default { agents: [{ name: 'c', script: ${JSON.stringify(fixture('tick.js'))}, env: { KEY: key } }] }\n`,
    )
    const r = await runBin(['start', '--json'], { ORCH_HOME: t.home }, { cwd: t.home })
    expect(r.status, r.stderr).toBe(0)
    const port = Number(readFileSync(portFile, 'utf8'))
    expect(listeners(port, [daemonPid(t)])).toEqual([])
    expect(await canListen(port)).toBe(true)
    const jitiCache = join(tmpdir(), 'jiti')
    const cached = existsSync(jitiCache) ? readdirSync(jitiCache).filter((f) => readFileSync(join(jitiCache, f), 'utf8').includes(secret)) : []
    expect(cached).toEqual([])
  })
})

describe('orch start SCRIPT', () => {
  it('runs a script as one agent: its port is held by the agent, not the daemon', async () => {
    const t = home()
    const portFile = join(t.home, 'port')
    const r = await runBin(['start', fixture('listen-port.cjs'), '--name', 'web', '--json', '--', portFile], { ORCH_HOME: t.home })
    expect(r.status, r.stderr).toBe(0)
    const [web] = (JSON.parse(r.stdout) as { agents: AgentInfo[] }).agents
    expect(web!.id).toBe('web')
    const port = Number(await waitFor(() => existsSync(portFile) && readFileSync(portFile, 'utf8'), 'the port'))
    expect(listeners(port, [daemonPid(t), web!.pid!])).toEqual([web!.pid])
    const desc = await orchJson<{ configPath: string | null; command: string; args: string[] }>(['describe', 'web'])
    expect(desc.configPath).toBeNull()
    expect(desc.args).toEqual([fixture('listen-port.cjs'), portFile])
  })

  it('names the agent after the file, runs -i instances, and takes a quoted command line', async () => {
    const t = home()
    const r = await runBin(['start', fixture('env-print.js'), '-i', '2', '--json', '--', 'ORCH_AGENT_ID'], { ORCH_HOME: t.home })
    expect(r.status, r.stderr).toBe(0)
    expect((JSON.parse(r.stdout) as { started: string[] }).started).toEqual(['env-print:0', 'env-print:1'])
    expect(await printedEnv(t, 'env-print:1')).toEqual({ ORCH_AGENT_ID: 'env-print:1' })
    // the same again: already running
    const again = JSON.parse((await runBin(['start', fixture('env-print.js'), '-i', '2', '--json', '--', 'ORCH_AGENT_ID'], { ORCH_HOME: t.home })).stdout)
    expect(again.unchanged).toEqual(['env-print:0', 'env-print:1'])

    const py = join(t.home, 'agent.py')
    writeFileSync(py, "import os, sys, time\nprint('py says', sys.argv[1:], flush=True)\ntime.sleep(600)\n")
    const cmd = await runBin(['start', `python3 ${py} 'two words'`, '--json'], { ORCH_HOME: t.home })
    expect(cmd.status, cmd.stderr).toBe(0)
    expect((JSON.parse(cmd.stdout) as { started: string[] }).started).toEqual(['agent'])
    await waitFor(() => outLog(t, 'agent').includes("py says ['two words']"), 'the python agent')
  })

  it('refuses what it cannot run with the fix, and starts nothing', async () => {
    const t = home()
    const cases: Array<[string[], string]> = [
      [['start', join(t.home, 'missing.js')], 'there is no file'],
      [['start', t.home], 'is a folder'],
      [['start', fixture('tick.js'), 'stray'], 'arguments for a script go after --'],
      [['start', fixture('tick.js'), '--name', 'bad name'], 'is not an agent name'],
    ]
    for (const [args, text] of cases) {
      const r = await runBin([...args, '--json'], { ORCH_HOME: t.home })
      expect(r.status, args.join(' ')).toBe(2)
      expect((JSON.parse(r.stdout) as { error: { code: string; message: string } }).error.message).toContain(text)
    }
    const notes = join(t.home, 'notes.txt')
    writeFileSync(notes, 'not a program\n')
    const r = await runBin(['start', notes, '--json'], { ORCH_HOME: t.home })
    expect(r.status).toBe(2)
    expect(r.stdout).toContain('chmod +x')
    // a config agent's name is not taken over by a script
    writeFileSync(join(t.home, 'ecosystem.config.json'), JSON.stringify({ agents: [{ name: 'tick', script: fixture('tick.js') }] }))
    expect((await runBin(['start', join(t.home, 'ecosystem.config.json')], { ORCH_HOME: t.home })).status).toBe(0)
    const taken = await runBin(['start', fixture('tick.js'), '--json'], { ORCH_HOME: t.home })
    expect(taken.status).toBe(1)
    expect(taken.stdout).toContain("an agent named 'tick' is defined by")
    expect((await orchJson<Array<{ configPath: string | null }>>(['describe', 'all'])).map((a) => a.configPath)).toEqual([join(t.home, 'ecosystem.config.json')])
  })
})

describe('orch scale and orch env', () => {
  it('scales up and down, saying which instances stop', async () => {
    const t = home()
    writeFileSync(join(t.home, 'ecosystem.config.json'), JSON.stringify({ agents: [{ name: 'w', script: fixture('tick.js'), instances: 2 }] }))
    expect((await runBin(['start', join(t.home, 'ecosystem.config.json')], { ORCH_HOME: t.home })).status).toBe(0)
    const up = await orchJson<{ started: string[]; agents: AgentInfo[] }>(['scale', 'w', '+2'])
    expect(up.started).toEqual(['w:2', 'w:3'])
    expect(up.agents.map((a) => a.id)).toEqual(['w:0', 'w:1', 'w:2', 'w:3'])
    const kept = up.agents[0]!.pid
    const down = await runBin(['scale', 'w', '2'], { ORCH_HOME: t.home })
    expect(down.status, down.stderr).toBe(0)
    expect(down.stdout).toContain('stopped and removed w:2, w:3')
    const after = await list(t)
    expect(after.map((a) => a.id)).toEqual(['w:0', 'w:1'])
    expect(after[0]!.pid).toBe(kept)
    for (const a of up.agents.slice(2)) expect(isAlive(a.pid!)).toBe(false)

    for (const [args, code] of [
      [['scale', 'w', '-5'], 'E_BAD_PARAMS'],
      [['scale', 'nope', '2'], 'E_UNKNOWN_AGENT'],
      [['scale', 'w:0', '2'], 'E_UNKNOWN_AGENT'],
      [['scale', 'w', 'many'], 'E_USAGE'],
    ] as const) {
      const r = await runBin([...args, '--json'], { ORCH_HOME: t.home })
      expect(r.status, args.join(' ')).not.toBe(0)
      expect((JSON.parse(r.stdout) as { error: { code: string } }).error.code).toBe(code)
    }
    expect((await list(t)).length).toBe(2)
  })

  it('shows what a stopped agent will start with', async () => {
    const t = home()
    writeFileSync(join(t.home, 'ecosystem.config.json'), JSON.stringify({ agents: [{ name: 's', script: fixture('tick.js'), env: { FROM_CONFIG: '1' } }] }))
    expect((await runBin(['start', join(t.home, 'ecosystem.config.json')], { ORCH_HOME: t.home, SHELL_ONLY: 'yes' })).status).toBe(0)
    await runBin(['stop', 's'], { ORCH_HOME: t.home })
    const [env] = await orchJson<Array<{ source: string; pid: number | null; env: Record<string, string> }>>(['env', 's'])
    expect(env!.source).toBe('definition')
    expect(env!.env).toMatchObject({ FROM_CONFIG: '1', SHELL_ONLY: 'yes', ORCH_AGENT_ID: 's' })
    const text = await runBin(['env', 's'], { ORCH_HOME: t.home })
    expect(text.stdout).toContain('SHELL_ONLY=yes\n')
  })
})
