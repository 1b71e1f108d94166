// A TypeScript agent under a real daemon: compiled once per content into
// ORCH_HOME/cache/ts (no TypeScript loader in the agent's process), its
// relative .ts imports and `orch/agent` work, import.meta names the source,
// a stack trace names the .ts line, and an edit is compiled at the restart.
import { cpSync, existsSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync, mkdirSync } from 'node:fs'
import { basename, join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { AgentDescription, AgentInfo } from '../../src/core/protocol/types.js'
import { fixture, orchJson, ROOT, useHomes, waitFor, writeConfig, type TestHome } from '../helpers/orch.js'

const home = useHomes()

/** The fixture agent copied into the home, with `orch` resolvable from its folder as in a user's project. */
function project(t: TestHome): string {
  const dir = join(t.home, 'project')
  cpSync(fixture('ts-agent'), dir, { recursive: true })
  mkdirSync(join(dir, 'node_modules'))
  symlinkSync(ROOT, join(dir, 'node_modules', 'orch'))
  return dir
}

const errLog = (t: TestHome): string => {
  const file = join(t.paths.logsDir, 'ts.err.log')
  return existsSync(file) ? readFileSync(file, 'utf8') : ''
}
const cmdline = (pid: number): string[] => readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean)

/** Pids whose parent is `pid`. */
function childrenOf(pid: number): number[] {
  return readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .flatMap((d) => {
      try {
        const stat = readFileSync(`/proc/${d}/stat`, 'utf8')
        return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid ? [Number(d)] : []
      } catch {
        return []
      }
    })
}

async function greet(): Promise<{ text: string; file: string }> {
  const reply = await orchJson<{ payload: { text: string; file: string } }>(['request', 'ts', 'greet', '"Ada"', '--timeout', '10s'])
  return reply.payload
}

async function online(): Promise<AgentInfo> {
  return waitFor(async () => (await orchJson<AgentInfo[]>(['ls'])).find((a) => a.name === 'ts' && a.status === 'online' && a.pid !== null), 'ts online')
}

describe('a TypeScript agent', () => {
  it('runs compiled from the cache, with its .ts imports, import.meta of its source and .ts stack traces', async () => {
    const t = home()
    const dir = project(t)
    const cfg = writeConfig(t, [{ name: 'ts', script: join(dir, 'agent.ts'), readyTimeout: '20s', backoff: { initial: '10ms' } }])
    await orchJson(['start', cfg])
    const first = await online()

    expect(await greet()).toEqual({ text: 'hello, Ada', file: join(dir, 'agent.ts') })
    const args = cmdline(first.pid!)
    const cacheDir = join(t.home, 'cache', 'ts')
    expect(args).toContain('--enable-source-maps')
    expect(args.some((a) => /jiti/.test(a))).toBe(false)
    const script = args.find((a) => a.startsWith(cacheDir))
    expect(script).toMatch(/\/[0-9a-f]{64}\.mjs$/)
    expect(statSync(cacheDir).mode & 0o777).toBe(0o700)

    await orchJson(['send', 'ts', 'crash'])
    await waitFor(() => /Error: crashed on purpose/.test(errLog(t)), 'the crash in the err log')
    expect(errLog(t)).toMatch(/at (\S+\.)?crash \(.*\/project\/lib\/greeting\.ts:7:\d+\)/)

    // an edit of an imported file is compiled at the next start, into a file of its own
    writeFileSync(join(dir, 'lib', 'greeting.ts'), readFileSync(join(dir, 'lib', 'greeting.ts'), 'utf8').replace('`${word}, ${name}`', '`${word} again, ${name}`'))
    const second = await waitFor(async () => {
      const a = await online()
      return a.pid !== first.pid && a
    }, 'the restart after the crash')
    await orchJson(['restart', 'ts'])
    const third = await waitFor(async () => {
      const a = await online()
      return a.pid !== second.pid && a
    }, 'the restart')
    expect((await greet()).text).toBe('hello again, Ada')
    // the edited code runs from a file of its own, and the first one is still there (the restart after the
    // crash may race the edit and compile a half-written file too: a third file, which is fine)
    const edited = cmdline(third.pid!).find((a) => a.startsWith(cacheDir))
    expect(edited).not.toBe(script)
    const files = readdirSync(cacheDir).filter((f) => f.endsWith('.mjs'))
    expect(files).toContain(basename(script!))
    expect(files).toContain(basename(edited!))
  })

  it("in a folder without orch of its own, a .ts config and agent import orch from the running orch's package", async () => {
    const t = home()
    const dir = join(t.home, 'loose')
    cpSync(fixture('ts-agent'), dir, { recursive: true })
    const cfg = join(dir, 'ecosystem.config.ts')
    writeFileSync(cfg, "import { defineConfig } from 'orch'\nexport default defineConfig({ agents: [{ name: 'ts', script: './agent.ts', readyTimeout: '20s' }] })\n")
    await orchJson(['start', cfg])
    await online()
    expect((await greet()).text).toBe('hello, Ada')
  })

  it("compiles in a child process of the daemon: esbuild's service is that child's, never the daemon's", async () => {
    const t = home()
    const dir = project(t)
    const cfg = writeConfig(t, [{ name: 'ts', script: join(dir, 'agent.ts'), readyTimeout: '20s' }])
    await orchJson(['start', cfg])
    await online()
    const daemon = Number(readFileSync(t.paths.pidFile, 'utf8'))
    // the compiler child stays for COMPILER_IDLE_MS (30 s) after its last compile, its esbuild service for as long
    const compilers = childrenOf(daemon).filter((pid) => cmdline(pid).some((a) => a.endsWith('compile-main.js')))
    expect(compilers).toHaveLength(1)
    const esbuildOf = (pid: number) => childrenOf(pid).filter((c) => cmdline(c).some((a) => /esbuild/.test(a)))
    expect(esbuildOf(daemon)).toEqual([])
    expect(esbuildOf(compilers[0]!)).toHaveLength(1)
  })

  it('a compile error is a failed start that names the file, line and error', async () => {
    const t = home()
    const dir = project(t)
    writeFileSync(join(dir, 'broken.ts'), "import { greeting } from './lib/greeting.js'\nconsole.log(greeting('a', 'b'))\nconst x: number = )\n")
    const cfg = writeConfig(t, [{ name: 'ts', script: join(dir, 'broken.ts'), maxRestarts: 0 }])
    await orchJson(['start', cfg])
    const d = await waitFor(async () => {
      const desc = await orchJson<AgentDescription>(['describe', 'ts'])
      return desc.events.some((e) => /cannot compile/.test(e.reason)) && desc
    }, 'the compile error in the events')
    const reason = d.events.find((e) => /cannot compile/.test(e.reason))!.reason
    expect(reason).toContain(`cannot compile ${join(dir, 'broken.ts')}:3:19: Unexpected ")"`)
  })
})
