import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import type { AgentDescription, AgentEvent, AgentInfo } from '../../src/core/protocol/types.js'
import { orchPaths } from '../../src/core/paths.js'
import { recordHome } from '../helpers/global-setup.js'
import { cleanup, useHomes, fixture, makeHome, orch, orchJson, ROOT, waitFor, writeConfig, type TestHome } from '../helpers/orch.js'

const home = useHomes()
afterEach(() => {
  delete process.env.ORCH_LOG_CHECK_MS
})
const ls = (): Promise<AgentInfo[]> => orchJson<AgentInfo[]>(['ls'])
const agent = async (name: string): Promise<AgentInfo | undefined> => (await ls()).find((a) => a.name === name)

/** Homes made inside an agent's folder; cleaned before useHomes removes the folder (hooks run last first). */
const inner: TestHome[] = []
afterEach(async () => {
  for (const t of inner.splice(0)) await cleanup(t)
})

/**
 * A project folder (the agent's cwd, with its config) holding ORCH_HOME, as
 * `ORCH_HOME=./.orch` would: the agents' logs, the queue and the daemon's
 * log are written under the folder a `watch: true` agent watches.
 */
function project(files: Record<string, string> = {}): { t: TestHome; app: string } {
  const app = home().home
  const h = join(app, '.orch')
  mkdirSync(h)
  recordHome(h)
  process.env.ORCH_HOME = h
  const t = { home: h, paths: orchPaths(h) }
  inner.push(t)
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(join(app, file, '..'), { recursive: true })
    writeFileSync(join(app, file), text)
  }
  return { t, app }
}

function projectConfig(app: string, agents: unknown[]): string {
  const file = join(app, 'ecosystem.config.json')
  writeFileSync(file, JSON.stringify({ agents }, null, 2))
  return file
}

/** Once the daemon logs this, chokidar has armed: a change from now on is seen. */
const watching = (t: TestHome, name: string) =>
  waitFor(() => existsSync(t.paths.daemonLog) && new RegExp(`"msg":"watching files".*"agent":"${name}"`).test(readFileSync(t.paths.daemonLog, 'utf8')), `${name}'s watcher ready`)

const ticks = (t: TestHome, name: string): number =>
  existsSync(join(t.paths.logsDir, `${name}.out.log`)) ? readFileSync(join(t.paths.logsDir, `${name}.out.log`), 'utf8').split(`${name} tick\n`).length - 1 : 0

/** Restarts by the watcher, as the agent's events record them. */
async function watchRestarts(name: string): Promise<string[]> {
  const d = await orchJson<{ events: AgentEvent[] }>(['describe', name])
  return d.events.filter((e) => e.to === 'starting' && e.reason.startsWith('file changed: ')).map((e) => e.reason)
}

describe('watch', () => {
  it('restarts an agent when a watched file changes', async () => {
    const t = home()
    const watched = join(t.home, 'watched.txt')
    writeFileSync(watched, 'v1')
    const cfg = writeConfig(t, [{ name: 'w', script: fixture('tick.js'), watch: [watched], startGrace: '100ms' }])
    await orchJson(['start', cfg])
    const first = await waitFor(async () => (await ls())[0]?.status === 'online' && (await ls())[0]!, 'w online')
    // chokidar needs a moment to arm: touch the file again each second (not faster: changes are debounced) until the restart shows.
    let touched = 0
    const restarted = await waitFor(async () => {
      if (Date.now() - touched > 1_000) {
        writeFileSync(watched, `v${Date.now()}`)
        touched = Date.now()
      }
      const a = (await ls())[0]!
      return a.pid !== first.pid && a.pid !== null && a
    }, 'w restarted by the watcher')
    expect(restarted.pid).not.toBe(first.pid)
    const d = await orchJson<{ events: AgentEvent[] }>(['describe', 'w'])
    expect(d.events.some((e) => e.reason === `file changed: ${watched}`)).toBe(true)
  })
})

describe('watch: true and ignoreWatch', () => {
  it("watches the agent's folder; its logs in ORCH_HOME under that folder do not restart it", async () => {
    const { t, app } = project({ 'main.txt': 'v1' })
    // a tick every 400 ms, longer than the watcher's 300 ms debounce: a restart by a log line would come before the next tick
    const cfg = projectConfig(app, [{ name: 'w', script: fixture('tick.js'), watch: true, env: { TICK_MS: '400' }, startGrace: '100ms' }])
    await orchJson(['start', cfg])
    const first = await waitFor(async () => (await agent('w'))?.status === 'online' && (await agent('w'))!, 'w online')
    await watching(t, 'w')
    const before = ticks(t, 'w')
    await waitFor(() => ticks(t, 'w') >= before + 2, 'two log lines written while watched')
    expect((await agent('w'))!.pid).toBe(first.pid)
    expect(await watchRestarts('w')).toEqual([])

    writeFileSync(join(app, 'main.txt'), 'v2')
    const restarted = await waitFor(async () => {
      const a = await agent('w')
      return a?.status === 'online' && a.pid !== first.pid && a
    }, 'w restarted by the change to main.txt')
    // the new process writes its logs too, and is not restarted by them
    const after = ticks(t, 'w')
    await waitFor(() => ticks(t, 'w') >= after + 2, 'two log lines from the new process')
    expect((await agent('w'))!.pid).toBe(restarted.pid)
    expect(await watchRestarts('w')).toEqual([`file changed: ${join(app, 'main.txt')}`])

    const d = await orchJson<AgentDescription>(['describe', 'w'])
    expect(d.watch).toEqual([app])
    expect(d.ignoreWatch).toEqual([])
  })

  it('leaves out what ignoreWatch names (globs and plain paths); the rest of the folder is still watched', async () => {
    const { t, app } = project({ 'main.txt': 'v1', 'sub/.keep': '', 'tmp/.keep': '', 'cache/.keep': '', 'notes.txt': 'n1' })
    const ignoreWatch = ['*.log', 'tmp/**', '**/*.tmp', 'notes.txt', 'cache']
    const cfg = projectConfig(app, [
      { name: 'w', script: fixture('tick.js'), watch: true, ignoreWatch, startGrace: '100ms' },
      // watches the same folder with no ignoreWatch: its restart shows the changes were seen and the debounce has passed
      { name: 'probe', script: fixture('tick.js'), watch: true, startGrace: '100ms' },
    ])
    await orchJson(['start', cfg])
    await waitFor(async () => (await ls()).every((a) => a.status === 'online') && (await ls()).length === 2, 'both online')
    await Promise.all([watching(t, 'w'), watching(t, 'probe')])
    const w = (await agent('w'))!
    const probe = (await agent('probe'))!

    for (const file of ['x.log', 'sub/deep.log', 'tmp/a.txt', 'sub/b.tmp', 'notes.txt', 'cache/c.json']) writeFileSync(join(app, file), 'changed')
    await waitFor(async () => {
      const p = await agent('probe')
      return p?.status === 'online' && p.pid !== probe.pid
    }, 'probe restarted by the changes')
    expect((await agent('w'))).toMatchObject({ pid: w.pid, status: 'online' })
    expect(await watchRestarts('w')).toEqual([])

    // the watcher is alive: a file not ignored restarts w, once
    writeFileSync(join(app, 'main.txt'), 'v2')
    const restarted = await waitFor(async () => {
      const a = await agent('w')
      return a?.status === 'online' && a.pid !== w.pid && a
    }, 'w restarted by main.txt')
    expect(await watchRestarts('w')).toEqual([`file changed: ${join(app, 'main.txt')}`])
    expect((await agent('w'))!.pid).toBe(restarted.pid)

    const d = await orchJson<AgentDescription>(['describe', 'w'])
    expect(d).toMatchObject({ watch: [app], ignoreWatch })
    const human = (await orch(['describe', 'w'])).stdout
    expect(human).toContain(`watch        ${app}`)
    expect(human).toContain('ignoreWatch  *.log, tmp/**, **/*.tmp, notes.txt, cache, node_modules, .git, ORCH_HOME')
  })

  it.each([
    [{ watch: 'yes' }, `field 'watch' must be true, false or an array of paths, got "yes"`],
    [{ ignoreWatch: 3 }, `field 'ignoreWatch' must be an array of non-empty paths or globs such as '*.log', got 3`],
  ])('refuses %j with a clear error and starts nothing', async (fields, message) => {
    const t = home()
    const cfg = writeConfig(t, [{ name: 'bad', script: fixture('tick.js'), ...fields }, { name: 'good', script: fixture('tick.js') }])
    const r = await orch(['start', cfg])
    expect(r.error?.message).toContain(`agents[0] (agent 'bad'): ${message}`)
    expect(await ls()).toEqual([])
  })
})

describe('log rotation', () => {
  it('rotates an agent log past logMaxSize and keeps logRetain copies', async () => {
    const t = home()
    process.env.ORCH_LOG_CHECK_MS = '100'
    const cfg = writeConfig(t, [{ name: 'chatty', script: fixture('tick.js'), env: { TICK_MS: '1' }, logMaxSize: '2K', logRetain: 2 }])
    await orchJson(['start', cfg])
    const out = join(t.paths.logsDir, 'chatty.out.log')
    await waitFor(() => existsSync(`${out}.2`), 'two rotated copies')
    expect(readFileSync(`${out}.1`, 'utf8')).toContain('chatty tick')
    expect(existsSync(`${out}.3`)).toBe(false)
    // The agent goes on writing to the truncated file.
    await waitFor(() => readFileSync(out, 'utf8').includes('chatty tick'), 'new lines after rotation')
  })
})

describe('plugin hooks', () => {
  it('a throwing hook is logged and isolated: daemon and agent go on', async () => {
    const t = home()
    writeFileSync(
      join(t.home, 'bad-hooks.ts'),
      `export default {
  name: 'bad-hooks',
  hooks: {
    agentStarted() { throw new Error('boom in agentStarted') },
    agentOnline: async () => { throw new Error('async boom in agentOnline') },
  },
}
`,
    )
    const cfg = writeConfig(t, [{ name: 'ok', script: fixture('tick.js'), startGrace: '100ms' }], { plugins: ['./bad-hooks.ts'] })
    await orchJson(['start', cfg])
    await waitFor(async () => (await ls())[0]?.status === 'online', 'agent online despite the plugin')
    await waitFor(() => readFileSync(t.paths.daemonLog, 'utf8').includes('async boom in agentOnline'), 'hook failure logged')
    const log = readFileSync(t.paths.daemonLog, 'utf8')
    expect(log).toMatch(/"msg":"plugin hook failed".*"plugin":"bad-hooks","hook":"agentStarted"/)
    expect(await orchJson<{ pid: number }>(['daemon', 'status'])).toMatchObject({ pid: expect.any(Number) })
  })

  it('a plugin that fails to load is a clear error and changes nothing', async () => {
    const t = home()
    writeFileSync(join(t.home, 'broken.ts'), 'throw new Error("cannot even load")\n')
    const cfg = writeConfig(t, [{ name: 'x', script: fixture('tick.js') }], { plugins: ['./broken.ts'] })
    const r = await orch(['start', cfg])
    expect(r.error?.message).toMatch(/cannot load plugin '.\/broken.ts'.*cannot even load/)
    expect(await ls()).toEqual([])
  })

  it('hooks see the lifecycle of agents', async () => {
    const t = home()
    const events = join(t.home, 'events.txt')
    writeFileSync(
      join(t.home, 'recorder.ts'),
      `import { appendFileSync } from 'node:fs'
import type { OrchPlugin } from '${join(ROOT, 'src/index.ts')}'
const rec = (what: string) => (e: { agent: string }) => appendFileSync(${JSON.stringify(events)}, what + ' ' + e.agent + '\\n')
const plugin: OrchPlugin = { name: 'recorder', hooks: { agentStarted: rec('started'), agentOnline: rec('online'), agentExited: rec('exited') } }
export default plugin
`,
    )
    const cfg = writeConfig(t, [{ name: 'r', script: fixture('tick.js'), startGrace: '100ms' }], { plugins: ['./recorder.ts'] })
    await orchJson(['start', cfg])
    await waitFor(async () => (await ls())[0]?.status === 'online', 'online')
    await orchJson(['stop', 'r'])
    await waitFor(() => existsSync(events) && readFileSync(events, 'utf8').includes('exited r'), 'exit hook')
    expect(readFileSync(events, 'utf8').trim().split('\n')).toEqual(['started r', 'online r', 'exited r'])
  })
})
