// Leases that follow the handler: renewed while it runs, released when its agent dies; progress shown by queue.ls.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, expect, it } from 'vitest'
import { fixture, isAlive, waitFor } from '../helpers/orch.js'
import { Team } from './sdk-team.js'

let team: Team
afterEach(async () => {
  await team?.stop()
})

interface Record {
  event: 'start' | 'done' | 'leaseLost'
  agent: string
  pid: number
  id: string
  attempts: number
  leaseMs?: number
}

function records(file: string): Record[] {
  let text = ''
  try {
    text = readFileSync(file, 'utf8')
  } catch {
    return []
  }
  return text
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record)
}

it('a 5 s handler with a 1 s lease is handled once and acked, never redelivered; its progress shows in queue ls', async () => {
  team = new Team()
  const file = join(team.t.home, 'record.jsonl')
  await team.start([{ name: 'slow', script: fixture('sdk-slow.js'), leaseTimeout: '1s', env: { RECORD_FILE: file, WORK_MS: '5000', STEPS: '5' } }])
  const cli = await team.cli()
  const { ids } = await cli.call('queue.send', { to: 'slow', type: 'job', payload: null })
  const id = ids[0]!

  // watch the lease while the handler runs: 1 s long, pushed forward again and again, with the handler's progress
  const leases: Array<{ at: number; expiresAt: number }> = []
  const progress: unknown[] = []
  await waitFor(async () => {
    const m = (await cli.call('queue.ls', { agent: 'slow' })).inFlight.find((x) => x.id === id)
    if (m) {
      leases.push({ at: Date.now(), expiresAt: m.leaseExpiresAt })
      if (m.progress !== undefined) progress.push(m.progress)
    }
    return records(file).some((r) => r.event === 'done')
  }, 'the handler done', 20_000)

  const first = leases[0]!
  // the daemon granted 1 s (and said so in leaseMs), so only renewals kept it leased for 5 s
  expect(first.expiresAt - first.at).toBeLessThanOrEqual(1_000)
  expect(records(file).find((r) => r.event === 'start')).toMatchObject({ leaseMs: 1_000 })
  expect(Math.max(...leases.map((l) => l.expiresAt))).toBeGreaterThan(first.expiresAt + 3_000)
  expect(progress).toContainEqual({ done: 1, of: 5 })
  expect(progress.every((p) => typeof p === 'object' && (p as { of: number }).of === 5)).toBe(true)

  const counts = await waitFor(async () => {
    const c = (await cli.call('queue.ls', {})).counts
    return c.pending + c.inFlight === 0 && c
  }, 'the message acked')
  expect(counts.dead).toBe(0)
  expect(records(file).map((r) => [r.event, r.id, r.attempts])).toEqual([
    ['start', id, 0],
    ['done', id, 0],
  ])
  const warnings = team.logLines('slow').filter((l) => l.level === 'warn' || l.level === 'error')
  expect(warnings).toEqual([])
})

it('the same handler killed midway: redelivered once, to the other instance, and acked there', async () => {
  team = new Team()
  const file = join(team.t.home, 'record.jsonl')
  await team.start([
    { name: 'slow', script: fixture('sdk-slow.js'), instances: 2, leaseTimeout: '1s', env: { RECORD_FILE: file, WORK_MS: '2000', STEPS: '4' } },
  ])
  const cli = await team.cli()
  const { ids } = await cli.call('queue.send', { to: 'slow', type: 'job', payload: null })
  const started = await waitFor(() => records(file).find((r) => r.event === 'start'), 'the first start')
  process.kill(started.pid, 'SIGKILL')
  const counts = await waitFor(async () => {
    const c = (await cli.call('queue.ls', {})).counts
    return c.pending + c.inFlight === 0 && records(file).some((r) => r.event === 'done') && c
  }, 'the message handled and acked')
  expect(counts.dead).toBe(0)
  const rs = records(file)
  const other = started.agent === 'slow:0' ? 'slow:1' : 'slow:0'
  expect(rs.map((r) => [r.event, r.agent, r.id, r.attempts])).toEqual([
    ['start', started.agent, ids[0], 0],
    ['start', other, ids[0], 1],
    ['done', other, ids[0], 1],
  ])
  expect(isAlive(started.pid)).toBe(false)
})

it('agent.progress outside a handler throws a TypeError saying what to do', async () => {
  team = new Team()
  await team.start([], { externals: ['tester'] })
  const tester = await team.agent()
  expect(() => tester.progress({ done: 1 })).toThrow(TypeError)
  expect(() => tester.progress({ done: 1 })).toThrow(/outside a message handler/)
})
