// examples/team under a real daemon: a coordinator splits a word-count job over
// test/fixtures/team into one task per file for 4 workers (concurrency 1), and
// the result must be exact, spread over the pool, and count each task once even
// when a worker is killed with SIGKILL in the middle of a task.
import { spawn } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { DaemonClient } from '../../src/core/client/daemon-client.js'
import type { AgentInfo } from '../../src/core/protocol/types.js'
import { FIXTURES, ROOT, isAlive, orchJson, useHomes, waitFor, writeConfig, type TestHome } from '../helpers/orch.js'

const strays: number[] = []
const home = useHomes(strays)

const TEAM = join(ROOT, 'examples', 'team')
const FOLDER = join(FIXTURES, 'team')
const WORKERS = ['worker:0', 'worker:1', 'worker:2', 'worker:3']
/** Words per file of test/fixtures/team, counted by hand (a word: letters, digits, `_`, inner apostrophes). */
const PER_FILE = { 'a.txt': 9, 'b.txt': 10, 'c.txt': 12, 'd.txt': 14, 'e.txt': 6, 'f.txt': 12, 'more/g.txt': 4, 'more/h.txt': 27 }
const TOTAL = 94
const DISTINCT = 73
const TASKS = Object.keys(PER_FILE).length

interface JobResult {
  ok: boolean
  files: number
  tasks: number
  words: number
  distinctWords: number
  top: Array<{ word: string; count: number }>
  byWorker: Record<string, number>
  redelivered: number
  perFile: Record<string, number>
  errors: Record<string, string>
}

/** Far longer than the killed worker's task takes to be redone: its task must come back at the death, not at lease expiry. */
const WORKER_LEASE_MS = 60_000

/** The team as examples/team runs it, with a short extra time per task (a job can ask for more with `taskMs`). */
function startTeam(t: TestHome): Promise<unknown> {
  const cfg = writeConfig(t, [
    { name: 'coordinator', script: join(TEAM, 'coordinator.js'), startGrace: '100ms' },
    { name: 'worker', script: join(TEAM, 'worker.js'), instances: 4, concurrency: 1, leaseTimeout: `${WORKER_LEASE_MS / 1000}s`, startGrace: '100ms',
      backoff: { initial: '10ms' }, env: { TASK_MS: '200' } },
  ])
  return orchJson(['start', cfg])
}

const outLog = (t: TestHome, id: string): string => {
  const file = join(t.paths.logsDir, `${id.replace(':', '.')}.out.log`)
  return existsSync(file) ? readFileSync(file, 'utf8') : ''
}

/** All five online and each past its `ready()` (it consumes before it says so). */
async function teamReady(t: TestHome): Promise<void> {
  await waitFor(async () => {
    const agents = await orchJson<AgentInfo[]>(['ls'])
    return agents.length === 5 && agents.every((a) => a.status === 'online') && [...WORKERS, 'coordinator'].every((id) => outLog(t, id).includes(`${id} ready`))
  }, 'the team online and ready', 30_000)
}

const coordinatorLines = (t: TestHome, re: RegExp): string[] => outLog(t, 'coordinator').split('\n').filter((l) => re.test(l))
const jobDoneLines = (t: TestHome): string[] => coordinatorLines(t, /^JOB DONE /)
/** one line per task counted: "<job> 3/8 tasks done (…)" */
const progressLines = (t: TestHome): string[] => coordinatorLines(t, /^\S+ \d+\/\d+ tasks done /)

/** `orch request coordinator job PAYLOAD --json` as a separate process (the test keeps polling the daemon meanwhile). */
function requestJob(t: TestHome, payload: unknown): Promise<{ payload: JobResult }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(ROOT, 'bin', 'run.js'), 'request', 'coordinator', 'job', JSON.stringify(payload), '--timeout', '90s', '--json'], {
      env: { ...process.env, ORCH_HOME: t.home },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    if (child.pid) strays.push(child.pid)
    let out = ''
    let err = ''
    child.stdout.on('data', (d: Buffer) => (out += d.toString()))
    child.stderr.on('data', (d: Buffer) => (err += d.toString()))
    child.once('error', reject)
    child.once('close', (code) => {
      // exited: its pid is no longer ours to kill at cleanup
      strays.splice(strays.indexOf(child.pid!), 1)
      if (code !== 0) return reject(new Error(`orch request exited ${code}:\n${out}\n${err}`))
      try {
        resolve(JSON.parse(out) as { payload: JobResult })
      } catch {
        reject(new Error(`orch request printed no JSON:\n${out}\n${err}`))
      }
    })
  })
}

function expectExact(r: JobResult): void {
  expect(r.ok).toBe(true)
  expect(r.errors).toEqual({})
  expect(r.perFile).toEqual(PER_FILE)
  expect(r.files).toBe(TASKS)
  expect(r.tasks).toBe(TASKS)
  expect(r.words).toBe(TOTAL)
  expect(r.distinctWords).toBe(DISTINCT)
  expect(r.top.slice(0, 2)).toEqual([{ word: 'the', count: 11 }, { word: 'of', count: 3 }])
  // each task counted once, by exactly one worker
  expect(Object.values(r.byWorker).reduce((a, n) => a + n, 0)).toBe(TASKS)
}

describe('examples/team', () => {
  it('counts the words of a folder exactly, with every worker of the pool taking tasks', { timeout: 90_000 }, async () => {
    const t = home()
    await startTeam(t)
    await teamReady(t)

    const reply = await requestJob(t, { dir: FOLDER })
    const r = reply.payload
    console.log(`job: ${r.words} words in ${r.tasks} tasks; by worker ${JSON.stringify(r.byWorker)}`)
    expectExact(r)
    expect(r.redelivered).toBe(0)
    // concurrency 1 and dispatch to the least busy instance: 8 tasks reach all 4 workers
    expect(Object.keys(r.byWorker).sort()).toEqual(WORKERS)
    for (const id of WORKERS) expect(outLog(t, id)).toMatch(new RegExp(`^${id} task \\S+ done$`, 'm'))

    expect(progressLines(t)).toHaveLength(TASKS)
    expect(outLog(t, 'coordinator')).toContain(`${TASKS}/${TASKS} tasks done`)
    expect(jobDoneLines(t)).toHaveLength(1)
    expect(await orchJson<unknown[]>(['queue', 'dead'])).toEqual([])
  })

  it('completes a job and counts each task once when a worker is killed with SIGKILL mid-task', { timeout: 120_000 }, async () => {
    const t = home()
    await startTeam(t)
    await teamReady(t)
    const before = await orchJson<AgentInfo[]>(['ls'])
    const coordinatorPid = before.find((a) => a.id === 'coordinator')!.pid

    // 3 s per task: long enough to find a worker inside one
    const job = requestJob(t, { dir: FOLDER, taskMs: 3_000 })
    // awaited below; until then a failure must not surface as an unhandled rejection
    job.catch(() => {})
    const client = await DaemonClient.connect(t.paths.socket)
    const victim = await waitFor(async () => {
        const { inFlight } = await client.call('queue.ls', { agent: 'worker' })
        for (const m of inFlight) {
          const task = (m.payload as { task?: string } | null)?.task
          if (m.type !== 'count' || !task) continue
          // its handler has started and not finished: the worker logged the start of this task, not its end
          const log = outLog(t, m.leasedTo)
          if (!log.includes(`${m.leasedTo} task ${task}:`) || log.includes(`${m.leasedTo} task ${task} done`)) continue
          const pid = (await client.call('agents.list', {})).find((a) => a.id === m.leasedTo)?.pid
          if (pid) return { id: m.leasedTo, pid, task, leaseLeftMs: m.leaseExpiresAt - Date.now() }
        }
        return undefined
      }, 'a worker in the middle of a task', 30_000)
      .finally(() => client.close())
    process.kill(victim.pid, 'SIGKILL')
    const killedAt = Date.now()
    await waitFor(() => !isAlive(victim.pid), `${victim.id} (pid ${victim.pid}) gone`)

    const r = (await job).payload
    const afterKillMs = Date.now() - killedAt
    console.log(`${afterKillMs} ms after the kill: killed ${victim.id} in task ${victim.task}; job: ${r.words} words in ${r.tasks} tasks, ${r.redelivered} redelivered; by worker ${JSON.stringify(r.byWorker)}`)
    expectExact(r)
    // the victim's task was answered by a later delivery, and counted once
    expect(r.redelivered).toBeGreaterThanOrEqual(1)
    // the lease went back when the worker died, not when it ran out
    expect(victim.leaseLeftMs).toBeGreaterThan(WORKER_LEASE_MS * 0.75)
    expect(afterKillMs).toBeLessThan(WORKER_LEASE_MS * 0.75)
    expect(jobDoneLines(t)).toHaveLength(1)
    expect(progressLines(t)).toHaveLength(TASKS)
    expect(await orchJson<unknown[]>(['queue', 'dead'])).toEqual([])
    // only the victim died: the coordinator ran the whole job in one process
    expect(isAlive(coordinatorPid!)).toBe(true)
    expect((await orchJson<AgentInfo[]>(['ls'])).find((a) => a.id === 'coordinator')!.pid).toBe(coordinatorPid)
  })
})
