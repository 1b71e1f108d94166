import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import type { AgentEvent, AgentInfo } from '../../src/core/protocol/types.js'
import { useHomes, fixture, makeHome, orch, orchJson, ROOT, waitFor, writeConfig, type TestHome } from '../helpers/orch.js'

const home = useHomes()
afterEach(() => {
  delete process.env.ORCH_LOG_CHECK_MS
})
const ls = (): Promise<AgentInfo[]> => orchJson<AgentInfo[]>(['ls'])

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
