import { spawn, type ChildProcess } from 'node:child_process'
import { afterEach, describe, expect, it } from 'vitest'
import type { AgentInfo, MetricsSnapshot } from '../../src/core/protocol/types.js'
import { fixture, orch, orchJson, ROOT, useHomes, waitFor, writeConfig } from '../helpers/orch.js'

const strays: number[] = []
const home = useHomes(strays)
const running: ChildProcess[] = []

afterEach(() => {
  for (const c of running.splice(0)) if (c.exitCode === null && c.pid) process.kill(c.pid, 'SIGKILL')
})

const ESC = '\u001b'
const ENTER_ALT = `${ESC}[?1049h`
const LEAVE_ALT = `${ESC}[?1049l`
const SHOW_CURSOR = `${ESC}[?25h`

/** `orch monit` in a real pseudo-terminal (util-linux script): what it draws, keys to type, and how it ends. */
function monitInPty(homeDir: string): { output: () => string; type: (keys: string) => void; exited: Promise<number | null> } {
  // -e: script exits with the command's status; -f: flush each write; -q: no "Script started" lines
  const child = spawn('script', ['-qfec', 'node bin/run.js monit', '/dev/null'], {
    cwd: ROOT,
    env: { ...process.env, ORCH_HOME: homeDir, TERM: 'xterm-256color', NO_COLOR: '1' },
    stdio: ['pipe', 'pipe', 'pipe'],
  })
  running.push(child)
  if (child.pid) strays.push(child.pid)
  let out = ''
  child.stdout!.on('data', (b: Buffer) => (out += b.toString('utf8')))
  child.stderr!.on('data', (b: Buffer) => (out += b.toString('utf8')))
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
  return { output: () => out, type: (keys) => child.stdin!.write(keys), exited }
}

/** The last frame drawn: what follows the last cursor-home. */
const lastFrame = (out: string): string => out.slice(out.lastIndexOf(`${ESC}[H`))

describe('orch monit', () => {
  it('shows the agents in a terminal, moves the selection and restarts the selected agent on a key, and gives the terminal back on q', async () => {
    const t = home()
    const cfg = writeConfig(t, [
      { name: 'alpha', script: fixture('tick.js'), env: { TICK_MS: '200' } },
      { name: 'beta', script: fixture('tick.js'), env: { TICK_MS: '200' } },
    ])
    await orchJson(['start', cfg])
    await waitFor(async () => (await orchJson<AgentInfo[]>(['ls'])).every((a) => a.status === 'online'), 'agents online')

    const monit = monitInPty(t.home)
    await waitFor(() => /› alpha +online/.test(lastFrame(monit.output())) && /\n {2}beta +online/.test(lastFrame(monit.output())), 'alpha selected, beta shown')
    expect(monit.output().startsWith(ENTER_ALT) || monit.output().includes(ENTER_ALT)).toBe(true)
    // the selected agent's log tail
    await waitFor(() => lastFrame(monit.output()).includes('alpha tick'), "alpha's log lines")

    monit.type('j')
    await waitFor(() => /› beta +online/.test(lastFrame(monit.output())), 'beta selected after j')
    await waitFor(() => lastFrame(monit.output()).includes('beta tick'), "beta's log lines")
    // the down arrow goes no further than the last agent; the up arrow goes back
    monit.type(`${ESC}[B`)
    monit.type(`${ESC}[A`)
    await waitFor(() => /› alpha +online/.test(lastFrame(monit.output())), 'alpha selected after up')

    const [alphaBefore] = await orchJson<AgentInfo[]>(['ls'])
    monit.type('r')
    await waitFor(async () => {
      const [alpha] = await orchJson<AgentInfo[]>(['ls'])
      return alpha!.restarts === alphaBefore!.restarts + 1 && alpha!.pid !== alphaBefore!.pid
    }, 'alpha restarted by r')
    await waitFor(() => lastFrame(monit.output()).includes('restarted alpha'), 'the notice')
    // s stops the selected agent, and starts it again once it is stopped
    monit.type('s')
    await waitFor(async () => (await orchJson<AgentInfo[]>(['ls']))[0]!.status === 'stopped', 'alpha stopped by s')
    await waitFor(() => /› alpha +stopped/.test(lastFrame(monit.output())), 'alpha shown stopped')
    monit.type('s')
    await waitFor(async () => (await orchJson<AgentInfo[]>(['ls']))[0]!.status === 'online', 'alpha started again by s')

    monit.type('q')
    expect(await monit.exited).toBe(0)
    const out = monit.output()
    // the terminal is given back: cursor shown, alternate screen left, and nothing drawn after
    expect(out.lastIndexOf(LEAVE_ALT)).toBeGreaterThan(out.lastIndexOf(`${ESC}[H`))
    expect(out.lastIndexOf(SHOW_CURSOR)).toBeGreaterThan(out.lastIndexOf(`${ESC}[H`))
    expect(out.trimEnd().endsWith(LEAVE_ALT)).toBe(true)
  })

  it('exits on Ctrl-C too, restoring the terminal', async () => {
    const t = home()
    await orchJson(['start', writeConfig(t, [{ name: 'solo', script: fixture('tick.js') }])])
    const monit = monitInPty(t.home)
    await waitFor(() => /› solo/.test(lastFrame(monit.output())), 'solo shown')
    monit.type('\u0003')
    expect(await monit.exited).toBe(0)
    expect(monit.output().trimEnd().endsWith(LEAVE_ALT)).toBe(true)
  })

  it('refuses without a terminal, and --json prints one snapshot', async () => {
    const t = home()
    await orchJson(['start', writeConfig(t, [{ name: 'solo', script: fixture('tick.js') }])])
    // vitest's stdin and stdout are not terminals
    const r = await orch(['monit'])
    expect(r.error?.message).toMatch(/orch monit needs a terminal \(stdin and stdout are not both one\); for one snapshot in a script, use 'orch monit --json'/)
    expect((r.error as { oclif?: { exit?: number } }).oclif?.exit).toBe(2)
    const snap = await orchJson<MetricsSnapshot>(['monit'])
    expect(snap.agents.map((a) => a.id)).toEqual(['solo'])
    expect(snap.endpoint).toBeNull()
  })
})
