import { existsSync, readFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'
import type { DashboardResult } from '../../src/commands/dashboard.js'
import { fixture, orch, orchJson, useHomes, waitFor, writeConfig } from '../helpers/orch.js'

const home = useHomes()
const saved = { ...process.env }

afterEach(() => {
  for (const k of ['NODE_OPTIONS', 'DASHBOARD_SPY_FILE', 'BROWSER', 'FAKE_BROWSER_FILE']) {
    if (saved[k] === undefined) delete process.env[k]
    else process.env[k] = saved[k]
  }
})

/** The session a link gives: GET it, keep the cookie. */
async function signIn(url: string): Promise<string> {
  const res = await fetch(url, { redirect: 'manual' })
  expect(res.status).toBe(303)
  expect(res.headers.get('location')).toBe('/')
  return res.headers.get('set-cookie')!.split(';')[0]!
}

describe('orch dashboard', () => {
  it('--json --no-open prints the link; each call gives a new token and signs the older one out; the port is remembered', async () => {
    const t = home()
    await orchJson(['start', writeConfig(t, [{ name: 'tick', script: fixture('tick.js') }])])
    const first = await orchJson<DashboardResult>(['dashboard', '--no-open', '--port', '0'])
    expect(first).toEqual({ url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]{43}$/), origin: new URL(first.url).origin, loopback: true, opened: false })
    const cookie = await signIn(first.url)
    const page = await fetch(`${first.origin}/`, { headers: { cookie } })
    expect(page.status).toBe(200)
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'")
    expect(await page.text()).toContain('<title>orch dashboard</title>')
    const agents = (await (await fetch(`${first.origin}/api/agents`, { headers: { cookie } })).json()) as Array<{ id: string }>
    expect(agents.map((a) => a.id)).toEqual(['tick'])
    expect((await fetch(`${first.origin}/api/agents/nobody`, { headers: { cookie } })).status).toBe(404)
    expect((await fetch(`${first.origin}/api/agents/%E0%A4%A`, { headers: { cookie } })).status).toBe(400)
    expect((await fetch(`${first.origin}/api/nothing`, { headers: { cookie } })).status).toBe(404)
    expect((await fetch(`${first.origin}/`, { method: 'DELETE', headers: { cookie } })).status).toBe(405)

    const second = await orchJson<DashboardResult>(['dashboard', '--no-open'])
    expect(second.origin).toBe(first.origin)
    expect(second.url).not.toBe(first.url)
    expect((await fetch(`${first.origin}/api/agents`, { headers: { cookie } })).status).toBe(401)
    expect((await fetch(first.url, { redirect: 'manual' })).status).toBe(401)
    await signIn(second.url)
    const remembered = JSON.parse(readFileSync(join(t.paths.dataDir, 'dashboard-settings.json'), 'utf8'))
    expect(remembered).toEqual({ version: 1, host: '127.0.0.1', port: Number(new URL(first.origin).port) })

    // a new daemon serves it at the same address when asked again, with a new token
    await orchJson(['daemon', 'restart'])
    const third = await orchJson<DashboardResult>(['dashboard', '--no-open'])
    expect(third.origin).toBe(first.origin)
    await signIn(third.url)
  })

  it('prints the link and how to open it, without --json', async () => {
    home()
    const r = await orch(['dashboard', '--no-open', '--port', '0'])
    expect(r.error).toBeUndefined()
    const [url, hint] = r.stdout.trim().split('\n')
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=/)
    expect(hint).toContain("It is valid until the next 'orch dashboard'")
  })

  it('opens the link with $BROWSER when there is one', async () => {
    const t = home()
    const opened = join(t.home, 'opened.txt')
    process.env.BROWSER = fixture('dashboard-fake-browser.js')
    process.env.FAKE_BROWSER_FILE = opened
    const r = await orchJson<DashboardResult>(['dashboard', '--port', '0'])
    expect(r.opened).toBe(true)
    await waitFor(() => existsSync(opened) && readFileSync(opened, 'utf8') === r.url, 'the browser to be given the link')
  })

  it('names the port when it is taken', async () => {
    home()
    const busy = createServer()
    await new Promise<void>((r) => busy.listen(0, '127.0.0.1', r))
    const port = (busy.address() as { port: number }).port
    try {
      const r = await orch(['dashboard', '--no-open', '--port', String(port), '--json'])
      expect(JSON.parse(r.stdout)).toEqual({
        error: { code: 'E_DASHBOARD_UNAVAILABLE', message: `the dashboard cannot listen on 127.0.0.1:${port} (EADDRINUSE); give another port with 'orch dashboard --port N' (0 picks a free one)` },
      })
    } finally {
      busy.close()
    }
  })

  it('the daemon loads none of the dashboard (nor node:http) until the first orch dashboard', async () => {
    const t = home()
    const spy = join(t.home, 'spy.txt')
    process.env.DASHBOARD_SPY_FILE = spy
    process.env.NODE_OPTIONS = `${saved.NODE_OPTIONS ?? ''} --import=${pathToFileURL(fixture('dashboard-load-spy.mjs')).href}`.trim()
    await orchJson(['start', writeConfig(t, [{ name: 'tick', script: fixture('tick.js') }])])
    await orchJson(['ls'])
    const daemon = readFileSync(t.paths.pidFile, 'utf8').trim()
    const loaded = (): string[] => (existsSync(spy) ? readFileSync(spy, 'utf8').split('\n').filter((l) => l.startsWith(`${daemon} `)) : [])
    expect(readFileSync(spy, 'utf8')).toContain(`loaded ${daemon}`)
    expect(loaded()).toEqual([])
    await orchJson(['dashboard', '--no-open', '--port', '0'])
    expect(loaded().some((l) => /\/dist\/daemon\/dashboard-\w+\.js$/.test(l))).toBe(true)
    expect(loaded()).toContain(`${daemon} node:http`)
  })

  it("serves where the config's dashboard says; --port wins; a misspelt field is refused by name", async () => {
    const t = home()
    const freePort = () =>
      new Promise<number>((resolve) => {
        const probe = createServer().listen(0, '127.0.0.1', () => {
          const { port } = probe.address() as { port: number }
          probe.close(() => resolve(port))
        })
      })
    const free = await freePort()
    const cfg = writeConfig(t, [{ name: 'tick', script: fixture('tick.js') }], { dashboard: { port: free } })
    await orchJson(['start', cfg])
    const first = await orchJson<DashboardResult>(['dashboard', '--no-open'])
    expect(first.origin).toBe(`http://127.0.0.1:${free}`)
    expect((await fetch(first.url, { redirect: 'manual' })).status).toBe(303)
    const other = await freePort()
    const moved = await orchJson<DashboardResult>(['dashboard', '--no-open', '--port', String(other)])
    expect(moved.origin).toBe(`http://127.0.0.1:${other}`)
    // the config applied again moves it back at the next call
    await orchJson(['start', cfg])
    expect((await orchJson<DashboardResult>(['dashboard', '--no-open'])).origin).toBe(`http://127.0.0.1:${free}`)

    const bad = writeConfig(t, [{ name: 'tick', script: fixture('tick.js') }], { dashboard: { prot: 9 } }, 'bad.config.json')
    const r = await orch(['start', bad, '--json'])
    expect(JSON.parse(r.stdout).error.message).toMatch(/unknown field 'dashboard\.prot'.*port/)
  })
})

