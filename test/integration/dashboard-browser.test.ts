import { createServer, type Server } from 'node:http'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DaemonClient } from '../../src/core/client/daemon-client.js'
import type { AgentInfo, QueueListingResult } from '../../src/core/protocol/types.js'
import type { DashboardResult } from '../../src/commands/dashboard.js'
import { launchChromium } from '../helpers/dashboard-browser.js'
import { cleanup, fixture, makeHome, orchJson, waitFor, writeConfig, type TestHome } from '../helpers/orch.js'

let t: TestHome
let browser: Browser
let context: BrowserContext
let page: Page
let origin: string
let recordFile: string
/** script errors and Content-Security-Policy violations of the dashboard's page */
const pageErrors: string[] = []

/** expect.poll with room for a loaded machine (its default gives up after 1 s) */
const poll = <T>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 10_000 })
const row = (id: string) => page.locator(`#agents tbody tr[data-id="${id}"]`)
const pidInPage = async (id: string): Promise<number> => Number(await row(id).locator('td[data-col="pid"]').textContent())
const pidOf = async (id: string): Promise<number | null> => (await orchJson<AgentInfo[]>(['ls'])).find((a) => a.id === id)?.pid ?? null

beforeAll(async () => {
  t = makeHome()
  recordFile = join(t.home, 'record.jsonl')
  const cfg = writeConfig(t, [
    { name: 'tick', script: fixture('tick.js'), startGrace: '200ms', env: { TICK_MS: '200' } },
    { name: 'worker', script: fixture('tick.js'), instances: 2, startGrace: '200ms' },
    { name: 'rec', script: fixture('q-record.js'), startGrace: '200ms', env: { RECORD_FILE: recordFile } },
  ])
  await orchJson(['start', cfg])
  await waitFor(async () => (await orchJson<AgentInfo[]>(['ls'])).every((a) => a.status === 'online'), 'every agent online')
  const { url } = await orchJson<DashboardResult>(['dashboard', '--no-open', '--port', '0'])
  origin = new URL(url).origin
  browser = await launchChromium()
  context = await browser.newContext()
  page = await context.newPage()
  page.on('pageerror', (err) => pageErrors.push(String(err)))
  page.on('console', (msg) => {
    if (msg.type() === 'error') pageErrors.push(msg.text())
  })
  await page.goto(url)
}, 60_000)

afterAll(async () => {
  await browser?.close()
  await cleanup(t)
})

describe('the dashboard in a real browser', () => {
  it('signs in with the link once: the token leaves the address, and the page lists every agent of the daemon', async () => {
    expect(page.url()).toBe(`${origin}/`)
    const cookie = (await context.cookies()).find((c) => c.name.startsWith('orch_dashboard_'))
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/' })
    for (const id of ['rec', 'tick', 'worker:0', 'worker:1']) {
      await poll(() => row(id).getAttribute('data-status')).toBe('online')
      expect(await pidInPage(id)).toBe(await pidOf(id))
    }
  })

  it('shows a kill -9 of an agent (the state change as it happens, then online again with a new pid) within 2 s', async () => {
    const pid = await pidInPage('tick')
    // every status and pid the row shows, in order, as the page draws them
    await page.evaluate(() => {
      const seen: Array<{ status: string | null; pid: string | null }> = []
      ;(window as unknown as { seen: typeof seen }).seen = seen
      const note = () => {
        const r = document.querySelector('#agents tbody tr[data-id="tick"]')
        const status = r?.getAttribute('data-status') ?? null
        const pid = r?.querySelector('td[data-col="pid"]')?.textContent ?? null
        const last = seen[seen.length - 1]
        if (!last || last.status !== status || last.pid !== pid) seen.push({ status, pid })
      }
      new MutationObserver(note).observe(document.querySelector('#agents tbody')!, { childList: true, subtree: true })
    })
    const killedAt = Date.now()
    process.kill(pid, 'SIGKILL')
    const seen = () => page.evaluate(() => (window as unknown as { seen: Array<{ status: string; pid: string }> }).seen)
    // the figure: the crash and the recovery both show within 2 s
    await waitFor(async () => (await seen()).some((s) => s.status !== 'online'), 'the page to show the crash', 2_000)
    await waitFor(async () => (await seen()).some((s, i, all) => s.status === 'online' && Number(s.pid) !== pid && all.slice(0, i).some((p) => p.status !== 'online')), 'the page to show tick online again', 2_000)
    expect(Date.now() - killedAt).toBeLessThan(2_000)
    expect(await pidInPage('tick')).toBe(await pidOf('tick'))
  })

  it("restarts an agent from its detail: the Restart button gives it a new pid; the detail shows the state change's reason", async () => {
    await row('worker:1').click()
    await poll(() => page.locator('#detail h2').textContent()).toBe('worker:1')
    const before = await pidInPage('worker:1')
    await page.getByRole('button', { name: 'Restart', exact: true }).click()
    await waitFor(async () => {
      const now = await pidInPage('worker:1')
      return now !== before && now > 0 && now === (await pidOf('worker:1'))
    }, "worker:1's new pid in the page")
    await poll(() => page.locator('#transitions').textContent()).toContain('restarted by user')
    // the log of the new process arrives live
    await poll(() => page.locator('#log').textContent()).toContain(`worker:1 started pid ${await pidOf('worker:1')}`)
  })

  it('stops and starts the selected agent with its Stop and Start buttons', async () => {
    await page.goto(`${origin}/#agents/worker:0`)
    await poll(() => page.locator('#detail h2').textContent()).toBe('worker:0')
    await page.getByRole('button', { name: 'Stop', exact: true }).click()
    await poll(() => row('worker:0').getAttribute('data-status')).toBe('stopped')
    expect(await pidOf('worker:0')).toBeNull()
    await page.getByRole('button', { name: 'Start', exact: true }).click()
    await poll(() => row('worker:0').getAttribute('data-status')).toBe('online')
    expect(await pidInPage('worker:0')).toBe(await pidOf('worker:0'))
  })

  it('replays a dead letter from the queue page, and the agent gets it', async () => {
    await orchJson(['stop', 'rec'])
    const client = await DaemonClient.connect(t.paths.socket)
    const { ids } = await client.call('queue.send', { to: 'rec', type: 'late', payload: { n: 1 }, ttl: 1 })
    client.close()
    const id = ids[0]!
    await waitFor(async () => (await orchJson<QueueListingResult>(['queue', 'ls', 'rec'])).counts.dead === 1, 'the dead letter')
    await orchJson(['start', 'rec'])
    await page.goto(`${origin}/#queue`)
    const dead = page.locator(`#dead tbody tr[data-message="${id}"]`)
    await poll(() => dead.textContent()).toContain('expired')
    await dead.getByRole('button', { name: 'Replay' }).click()
    await waitFor(() => {
      try {
        return readFileSync(recordFile, 'utf8').includes(id)
      } catch {
        return false
      }
    }, 'rec to record the replayed message')
    await poll(() => dead.count()).toBe(0)
  })

  it('draws every view without a script error or a Content-Security-Policy violation', async () => {
    for (const view of ['graph', 'traces', 'queue', 'agents']) {
      await page.goto(`${origin}/#${view}`)
      await poll(() => page.locator(`#view-${view}`).isVisible()).toBe(true)
    }
    await poll(() => page.locator('#graph [data-node="tick"]').count()).toBe(1)
    await poll(() => page.locator('#history tbody tr').count()).toBeGreaterThan(0)
    await page.goto(`${origin}/#traces`)
    await page.locator('#history tbody tr').first().click()
    await poll(() => page.locator('#trace .span').count()).toBeGreaterThan(0)
    expect(pageErrors).toEqual([])
  })

  it('answers 401 to the page and the API without the token, and to a stale link', async () => {
    const fresh = await browser.newContext()
    try {
      const p = await fresh.newPage()
      expect((await p.goto(`${origin}/`))?.status()).toBe(401)
      expect((await p.goto(`${origin}/?token=not-the-token`))?.status()).toBe(401)
      expect((await p.goto(`${origin}/api/snapshot`))?.status()).toBe(401)
      expect((await p.goto(`${origin}/app.js`))?.status()).toBe(401)
    } finally {
      await fresh.close()
    }
    for (const path of ['/', '/api/snapshot', '/api/events', '/api/agents/tick', '/api/history']) expect((await fetch(`${origin}${path}`)).status, path).toBe(401)
    expect((await fetch(`${origin}/api/agents/tick/restart`, { method: 'POST', headers: { origin } })).status).toBe(401)
  })

  it('refuses a POST from another origin: a page of another site cannot restart an agent, nor can a request with the cookie and a foreign Origin', async () => {
    const pid = await pidOf('tick')
    const evil: Server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' })
      res.end(`<form method="POST" action="${origin}/api/agents/tick/restart"></form><script>
        fetch('${origin}/api/agents/tick/restart', { method: 'POST', mode: 'no-cors', credentials: 'include' }).finally(() => { document.title = 'sent'; document.forms[0].submit() })
      </script>`)
    })
    await new Promise<void>((r) => evil.listen(0, '127.0.0.1', r))
    try {
      const evilOrigin = `http://localhost:${(evil.address() as { port: number }).port}`
      const p = await context.newPage()
      const answers: number[] = []
      p.on('response', (r) => {
        if (r.url().startsWith(origin)) answers.push(r.status())
      })
      await p.goto(evilOrigin)
      await waitFor(() => answers.length > 0, 'the form post to be answered')
      expect(answers.every((s) => s === 401 || s === 403)).toBe(true)
      await p.close()
      // with the cookie itself, from outside a browser: the Origin decides
      const cookie = (await context.cookies()).find((c) => c.name.startsWith('orch_dashboard_'))!
      const foreign = await fetch(`${origin}/api/agents/tick/restart`, { method: 'POST', headers: { cookie: `${cookie.name}=${cookie.value}`, origin: evilOrigin } })
      expect(foreign.status).toBe(403)
      expect(foreign.headers.get('access-control-allow-origin')).toBeNull()
      const none = await fetch(`${origin}/api/agents/tick/restart`, { method: 'POST', headers: { cookie: `${cookie.name}=${cookie.value}` } })
      expect(none.status).toBe(403)
      expect(await pidOf('tick')).toBe(pid)
    } finally {
      evil.close()
    }
  })

  it("signs the page out when another orch dashboard gives a new token, and says so", async () => {
    await page.goto(`${origin}/#agents/tick`)
    await poll(() => page.locator('#live').textContent()).toBe('live')
    await orchJson(['dashboard', '--no-open'])
    await poll(() => page.locator('#live').textContent()).toBe("signed out: run 'orch dashboard' for a new link")
  })
})

