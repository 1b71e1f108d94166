import { appendFileSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import type { TracedMessage } from '../../src/core/history/trace.js'
import type { TraceTree } from '../../src/cli/trace-tree.js'
import { orch, orchJson, fixture, killDaemon, waitFor, writeConfig } from '../helpers/orch.js'
import { Team } from './sdk-team.js'

let team: Team
afterEach(async () => {
  await team?.stop()
})

const chain = [
  { name: 'coordinator', script: fixture('sdk-coordinator.js') },
  { name: 'worker', script: fixture('sdk-worker.js') },
]

async function sendTask(payload: unknown): Promise<string> {
  const cli = await team.cli()
  const { ids } = await cli.call('queue.send', { to: 'coordinator', type: 'task', payload })
  return ids[0]!
}

/** Waits until the history shows the task acked (its worker's reply came back and its handler ended). */
async function taskDone(id: string): Promise<TracedMessage> {
  return waitFor(async () => (await orchJson<TracedMessage[]>(['queue', 'history', 'coordinator'])).find((m) => m.id === id && m.type === 'task'), 'the task acked in the history')
}

const historyFile = (): string => join(team.t.paths.dataDir, 'history.log')

describe('orch trace', () => {
  it('a coordinator → worker → reply chain gives a tree with the right parents, outcomes, times and log lines (--json, field by field)', async () => {
    team = new Team()
    await team.start(chain)
    const taskId = await sendTask({ failOnce: true, n: 7 })
    await taskDone(taskId)

    const tree = await orchJson<TraceTree>(['trace', taskId])
    expect(tree.traceId).toBe(taskId)
    expect(tree.roots).toHaveLength(1)
    const task = tree.roots[0]!
    expect(task).toMatchObject({ id: taskId, from: 'cli', to: 'coordinator', type: 'task', instance: 'coordinator', attempts: 1, outcome: 'acked' })
    expect(task.parentId).toBeUndefined()
    expect(task.correlationId).toBeUndefined()
    expect(task.events.map((e) => e.ev)).toEqual(['stored', 'delivered', 'acked'])
    expect(task.events[1]).toMatchObject({ instance: 'coordinator', attempt: 1 })
    expect(task.queuedAt).toBe(task.events[0]!.t)
    expect(task.waitedMs).toBe(task.deliveredAt! - task.queuedAt!)
    expect(task.handledMs).toBe(task.endedAt! - task.deliveredAt!)
    expect(task.totalMs).toBe(task.endedAt! - task.queuedAt!)
    expect(task.logs.map((l) => l.msg)).toEqual(['delegating', 'worker answered'])
    expect(task.logs.every((l) => l.instance === 'coordinator' && l.messageId === taskId)).toBe(true)

    expect(task.children).toHaveLength(1)
    const work = task.children[0]!
    expect(work).toMatchObject({ from: 'coordinator', to: 'worker', type: 'work', instance: 'worker', parentId: taskId, correlationId: taskId, attempts: 2, outcome: 'acked' })
    expect(work.events.map((e) => e.ev)).toEqual(['stored', 'delivered', 'nacked', 'delivered', 'acked'])
    expect(work.events[2]).toMatchObject({ instance: 'worker', error: 'first try fails' })
    expect(work.events[3]).toMatchObject({ attempt: 2 })
    expect(work.error).toBe('first try fails')
    expect(work.logs.filter((l) => l.msg === 'working')).toHaveLength(2)
    expect(work.logs.every((l) => l.instance === 'worker' && l.messageId === work.id)).toBe(true)

    expect(work.children).toHaveLength(1)
    const reply = work.children[0]!
    expect(reply).toMatchObject({ from: 'worker', to: 'coordinator', type: 'work.reply', instance: 'coordinator', parentId: work.id, inReplyTo: work.id, correlationId: taskId, attempts: 1, outcome: 'acked', children: [] })
    expect(tree.logs).toEqual([])

    // the same tree by the trace id of a child, by the message id of a child (its subtree), and by a prefix
    const byWork = await orchJson<TraceTree>(['trace', work.id])
    expect(byWork.traceId).toBe(taskId)
    expect(byWork.roots.map((r) => r.id)).toEqual([work.id])
    expect(byWork.roots[0]!.children.map((c) => c.id)).toEqual([reply.id])
    expect((await orchJson<TraceTree>(['trace', taskId.slice(0, 13)])).roots[0]!.id).toBe(taskId)

    // the human tree shows every message, indented under its parent, and the handlers' lines
    const text = (await orch(['trace', taskId])).stdout
    expect(text).toMatch(new RegExp(`^trace ${taskId} \\(3 messages; times UTC\\)`))
    expect(text).toMatch(/└─ task {2}cli → coordinator {2}acked {2}attempts 1/)
    expect(text).toMatch(/ {3}└─ work {2}coordinator → worker {2}acked {2}attempts 2/)
    expect(text).toMatch(/ {6}└─ work\.reply {2}worker → coordinator {2}acked/)
    expect(text).toMatch(/nacked by worker at \S+: first try fails/)
    expect(text).toMatch(/log \S+ coordinator info delegating/)
  })

  it('orch queue history lists finished messages, newest first, by agent, with -n', async () => {
    team = new Team()
    await team.start(chain)
    const first = await sendTask({ n: 1 })
    await taskDone(first)
    const second = await sendTask({ n: 2 })
    await taskDone(second)
    const all = await orchJson<TracedMessage[]>(['queue', 'history'])
    // most recently finished first: the second chain's three messages, then the first's (acks within a chain may race)
    const traceOfRow = (m: TracedMessage): string => m.correlationId ?? m.id
    expect(all.map(traceOfRow)).toEqual([second, second, second, first, first, first])
    expect(all.slice(0, 3).map((m) => m.type).sort()).toEqual(['task', 'work', 'work.reply'])
    expect(all.every((m) => m.outcome === 'acked')).toBe(true)
    expect(all[0]!.endedAt).toBeGreaterThanOrEqual(all[1]!.endedAt!)
    const worker = await orchJson<TracedMessage[]>(['queue', 'history', 'worker', '-n', '1'])
    expect(worker).toHaveLength(1)
    expect(worker[0]).toMatchObject({ type: 'work', to: 'worker', outcome: 'acked', correlationId: second })
    const text = (await orch(['queue', 'history'])).stdout
    expect(text.split('\n')[0]).toMatch(/^id\s+from\s+to\s+type\s+outcome\s+attempts\s+ended \(UTC\)\s+waited\s+handled\s+total\s+error/)
  })

  it('records lease renewals of a long handler, and a failing message to its dead letter, with every nack', async () => {
    team = new Team()
    await team.start([
      { name: 'slow', script: fixture('sdk-slow.js'), leaseTimeout: '1s', env: { WORK_MS: '2400', STEPS: '3', RECORD_FILE: join(team.t.home, 'slow.jsonl') } },
      { name: 'fail', script: fixture('sdk-fail.js') },
    ])
    const cli = await team.cli()
    const slowId = (await cli.call('queue.send', { to: 'slow', type: 'job', payload: null })).ids[0]!
    const failId = (await cli.call('queue.send', { to: 'fail', type: 'job', payload: null })).ids[0]!
    const slow = await waitFor(async () => (await orchJson<TracedMessage[]>(['queue', 'history', 'slow'])).find((m) => m.id === slowId), 'the slow job acked')
    // renewed while it ran (one event per message per 10 s at most), then acked
    expect(slow.events.map((e) => e.ev)).toEqual(['stored', 'delivered', 'renewed', 'acked'])
    expect(slow.events[2]).toMatchObject({ instance: 'slow' })
    const dead = await waitFor(async () => (await orchJson<TracedMessage[]>(['queue', 'history', 'fail'])).find((m) => m.id === failId), 'the failing job dead')
    expect(dead).toMatchObject({ outcome: 'dead', attempts: 5, error: 'boom 4' })
    expect(dead.events.map((e) => e.ev)).toEqual(['stored', ...Array(5).fill(['delivered', 'nacked']).flat(), 'deadLettered'])
    expect(dead.events.filter((e) => e.ev === 'nacked').map((e) => e.error)).toEqual(['boom 0', 'boom 1', 'boom 2', 'boom 3', 'boom 4'])
    const text = (await orch(['trace', failId])).stdout
    expect(text).toMatch(/job {2}cli → fail {2}dead {2}attempts 5/)
    expect(text).toMatch(/dead at \S+: boom 4/)
  })

  it('an id the history does not have is a clear error', async () => {
    team = new Team()
    await team.start([{ name: 'worker', script: fixture('sdk-worker.js') }])
    const r = await orch(['trace', 'nope-nope-nope', '--json'])
    expect(JSON.parse(r.stdout)).toMatchObject({ error: { code: 'E_NOT_IN_HISTORY', message: expect.stringMatching(/no message nor correlation id 'nope-nope-nope' in the message history/) } })
  })

  it('the history survives a daemon restart (kill -9 included), and a torn last line is tolerated', async () => {
    team = new Team()
    await team.start(chain)
    const taskId = await sendTask({ n: 1 })
    await taskDone(taskId)
    // graceful stop and start
    await orchJson(['daemon', 'restart'])
    expect((await orchJson<TraceTree>(['trace', taskId])).roots[0]!.children[0]!.children).toHaveLength(1)
    // kill -9, and a crash that cut a line short
    await waitFor(() => readFileSync(historyFile(), 'utf8').includes(`"id":"${taskId}"`), 'the history written')
    killDaemon(team.t)
    appendFileSync(historyFile(), '{"t":1733,"ev":"stored","id":"torn-li')
    const tree = await orchJson<TraceTree>(['trace', taskId])
    expect(tree.roots[0]).toMatchObject({ id: taskId, outcome: 'acked' })
    expect(readFileSync(historyFile(), 'utf8').endsWith('\n')).toBe(true)
    expect(readFileSync(historyFile(), 'utf8')).not.toContain('torn-li')
  })

  it('the bound holds: old events go with history.log.1 (history.maxEvents), and the bound is kept for the next start', async () => {
    team = new Team()
    const cfg = writeConfig(team.t, chain.map((a) => ({ ...a, startGrace: '60s' })), { history: { maxEvents: 40 } })
    await orchJson(['start', cfg])
    await waitFor(async () => (await team.ls()).every((a) => a.status === 'online'), 'agents online')
    const ids: string[] = []
    // each task is 9 events (3 messages stored, delivered and acked; one to three lines each, as their events come
    // before or after a write of the history): 12 tasks are 108 events, so history.log was rotated to
    // history.log.1 twice (at 40 events), and the first tasks are gone from both
    for (let i = 0; i < 12; i++) {
      const id = await sendTask({ n: i })
      await taskDone(id)
      ids.push(id)
    }
    const lines = (f: string) => readFileSync(f, 'utf8').split('\n').filter(Boolean)
    // a file holds at most the bound and one write's events (a task's 9 at most)
    expect(lines(historyFile()).length).toBeLessThanOrEqual(40 + 9)
    expect(lines(`${historyFile()}.1`).length).toBeLessThanOrEqual(40 + 9)
    expect([...lines(historyFile()), ...lines(`${historyFile()}.1`)].some((l) => l.includes(ids[0]!))).toBe(false)
    const first = await orch(['trace', ids[0]!, '--json'])
    expect(JSON.parse(first.stdout)).toMatchObject({ error: { code: 'E_NOT_IN_HISTORY' } })
    expect((await orchJson<TraceTree>(['trace', ids[11]!])).roots[0]!.outcome).toBe('acked')
    expect(JSON.parse(readFileSync(join(team.t.paths.dataDir, 'history-settings.json'), 'utf8'))).toMatchObject({ version: 1, enabled: true, maxEvents: 40 })
    // the next daemon keeps the bound before any config is loaded again
    await orchJson(['daemon', 'restart'])
    for (let i = 0; i < 12; i++) await taskDone(await sendTask({ n: i }))
    expect(lines(historyFile()).length).toBeLessThanOrEqual(40 + 9)
    expect(lines(`${historyFile()}.1`).length).toBeLessThanOrEqual(40 + 9)
  })

  it('a bad history setting is refused with a clear error', async () => {
    team = new Team()
    const cfg = writeConfig(team.t, chain, { history: { maxEvents: 0, keep: 3 } })
    const r = await orch(['start', cfg, '--json'])
    const out = JSON.parse(r.stdout) as { error: { code: string; message: string } }
    expect(out.error.code).toBe('E_CONFIG_INVALID')
    expect(out.error.message).toMatch(/history\.maxEvents/)
    expect(out.error.message).toMatch(/unknown field 'history\.keep'/)
  })
})
