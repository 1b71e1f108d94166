import type { ChildProcess } from 'node:child_process'
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { useHomes, fixture, orch, orchJson, waitFor } from '../helpers/orch.js'
import { recordHome } from '../helpers/global-setup.js'
import { createOtherUser, IS_ROOT, NOT_ROOT_REASON, type OtherUser } from '../helpers/other-user.js'
import { fdCount } from '../helpers/proc-memory.js'

const home = useHomes()
let other: OtherUser
let children: ChildProcess[] = []
let dirs: string[] = []

/** Lines a child prints, parsed as JSON, as they come. */
function lines(child: ChildProcess): Array<Record<string, any>> {
  const out: Array<Record<string, any>> = []
  createInterface({ input: child.stdout! }).on('line', (l) => out.push(JSON.parse(l)))
  return out
}

async function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return
  await new Promise((resolve) => child.once('exit', resolve))
}

/** Names of the abstract-namespace sockets a process holds (no file mode protects those). */
function abstractSocketsOf(pid: number): string[] {
  const inodes = new Set(
    readdirSync(`/proc/${pid}/fd`).flatMap((fd) => {
      try {
        return [/^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`))?.[1]].filter(Boolean)
      } catch {
        return []
      }
    }),
  )
  return readFileSync('/proc/net/unix', 'utf8')
    .split('\n')
    .map((l) => l.trim().split(/\s+/))
    .filter((f) => inodes.has(f[6]) && f[7]?.startsWith('@'))
    .map((f) => f[7]!)
}

/** A directory in /tmp for the other user to fill: the test removes it. */
function scratch(): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'orch-u-')), 'oh')
  recordHome(dir)
  dirs.push(dir, join(dir, '..'))
  chmodSync(join(dir, '..'), 0o777)
  return dir
}

describe.skipIf(!IS_ROOT)(`another local user (${IS_ROOT ? 'as root' : NOT_ROOT_REASON})`, () => {
  beforeAll(() => {
    other = createOtherUser()
  })
  afterEach(async () => {
    for (const c of children) {
      if (c.exitCode === null && c.pid) process.kill(c.pid, 'SIGKILL')
      await exited(c)
    }
    children = []
    for (const d of dirs) rmSync(d, { recursive: true, force: true })
    dirs = []
  })
  afterAll(() => other?.remove())

  // The lock was a socket in the abstract namespace, which file modes do not protect:
  // another user bound its name first (our daemon never started) or held 1,000 connections on it.
  it('can neither take the single-daemon lock first nor hold connections to the daemon', async () => {
    const t = home()
    const hostile = other.node(fixture('hostile-user.js'), [t.home, 'squat'])
    children.push(hostile)
    const said = lines(hostile)
    await waitFor(() => said.find((l) => 'bound' in l), 'the other user squatting the old lock name')
    const { pid } = await orchJson<{ pid: number }>(['daemon', 'restart'])
    hostile.stdin!.write('go\n')
    const report = await waitFor(() => said.find((l) => 'results' in l), 'the other user trying to connect', 30_000)
    const results = report.results as Record<string, Record<string, number>>
    for (const [target, got] of Object.entries(results)) {
      // Abstract sockets of other daemons on this machine may show up; none of them is ours (below).
      if (target.startsWith(t.home)) expect(Object.keys(got), target).toEqual(['EACCES'])
    }
    expect(abstractSocketsOf(pid)).toEqual([])
    expect(fdCount(pid)).toBeLessThan(100)
    // the owner's next start is not blocked either
    const again = await orchJson<{ pid: number }>(['daemon', 'restart'])
    expect(again.pid).not.toBe(pid)
  }, 60_000)

  // A user who pre-created /tmp/oh could later replace desired.json and have root's `orch resurrect` run their command.
  it('cannot plant an ORCH_HOME: one they own is refused, not chmod-ed', async () => {
    const dir = scratch()
    const planter = other.node(fixture('hostile-user.js'), [dir, 'plant'])
    children.push(planter)
    await exited(planter)
    expect(statSync(dir).uid).toBe(other.uid)
    process.env.ORCH_HOME = dir
    for (const args of [['resurrect'], ['ls'], ['daemon', 'restart']]) {
      const r = await orch([...args, '--json'])
      const { error } = JSON.parse(r.stdout) as { error: { code: string; message: string } }
      expect(error.code, args.join(' ')).toBe('E_HOME_NOT_OWNED')
      expect(error.message).toContain(`${dir} is owned by uid ${other.uid}, not by you (uid 0)`)
      expect(error.message).toMatch(/Set ORCH_HOME to a directory of your own/)
    }
    expect(statSync(dir).mode & 0o777).toBe(0o777)
    expect(existsSync(join(dir, 'orch.sock'))).toBe(false)
    expect(existsSync(join(dir, 'daemon.pid'))).toBe(false)
  })

  it('cannot plant a desired.json in a home of ours left open to all', async () => {
    const dir = scratch()
    mkdirSync(dir, { mode: 0o777 })
    chmodSync(dir, 0o777)
    const planter = other.node(fixture('hostile-user.js'), [dir, 'plant'])
    children.push(planter)
    await exited(planter)
    expect(statSync(join(dir, 'desired.json')).uid).toBe(other.uid)
    process.env.ORCH_HOME = dir
    const r = await orch(['resurrect', '--json'])
    const { error } = JSON.parse(r.stdout) as { error: { code: string; message: string } }
    expect(error.code).toBe('E_HOME_NOT_OWNED')
    expect(error.message).toContain(join(dir, 'desired.json'))
    expect(existsSync(join(dir, 'daemon.pid'))).toBe(false)
    expect(readFileSync(join(dir, 'desired.json'), 'utf8')).toContain('"agents":[]')
  })
})
