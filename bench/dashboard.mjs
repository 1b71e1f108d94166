// Section `dashboard`: what opening the web dashboard costs. The daemon loads
// none of its code until `orch dashboard` asks (src/core/daemon/handlers/dashboard.ts),
// so its RSS before is the daemon's as `orch ls` knows it; then the first
// `orch dashboard`, the time a real Chromium takes from the link to the agents
// table drawn, and the daemon's RSS with a page connected to the live feed.
//
// `node bench/dashboard.mjs --screenshot docs/dashboard.png`: the README's
// picture, of the example team (ecosystem.config.ts) at work.
import { existsSync, mkdtempSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { FIXTURES, ROOT, cleanupAll, cleanupHome, figure, median, mib, ms, now, orch, orchJson, rssBytes, sleep, tempHome, waitFor, writeConfig } from './lib.mjs'
import { readFileSync } from 'node:fs'

const AGENTS = 10
const PAGE_LOADS = 7
const CHROMIUM = process.env.ORCH_TEST_CHROMIUM || '/usr/bin/chromium'
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync']

async function launch() {
  const { chromium } = await import('playwright-core')
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS })
}

const daemonPid = (home) => Number(readFileSync(join(home, 'daemon.pid'), 'utf8'))

async function allOnline(home, n) {
  await waitFor(`${n} agents online`, async () => {
    const list = await orchJson(home, ['ls'])
    return list.length === n && list.every((a) => a.status === 'online')
  }, { intervalMs: 200 })
}

export default async function dashboard(log) {
  if (!existsSync(CHROMIUM)) {
    log(`no Chromium at ${CHROMIUM} (apt-get install chromium, or ORCH_TEST_CHROMIUM): section skipped`)
    return []
  }
  const figures = []
  const home = tempHome()
  const browser = await launch()
  try {
    const agents = Array.from({ length: AGENTS }, (_, i) => ({ name: `idle${i + 1}`, script: join(FIXTURES, 'idle-agent.js'), startGrace: '300ms' }))
    await orch(home, ['start', writeConfig(home, agents), '--json'])
    await allOnline(home, AGENTS)
    const pid = daemonPid(home)
    await sleep(2000) // let the daemon's heap settle after the start burst
    const before = rssBytes(pid)

    const t0 = now()
    const { url: first } = await orchJson(home, ['dashboard', '--no-open', '--port', '0'])
    const openMs = now() - t0
    const times = []
    let url = first
    for (let i = 0; i < PAGE_LOADS; i++) {
      const context = await browser.newContext()
      const page = await context.newPage()
      const start = now()
      await page.goto(url)
      await page.waitForFunction((n) => document.querySelectorAll('#agents tbody tr').length === n, AGENTS)
      times.push(now() - start)
      if (i < PAGE_LOADS - 1) {
        await context.close()
        url = (await orchJson(home, ['dashboard', '--no-open'])).url
      }
    }
    await sleep(5000) // a page on the live feed for a few pushes
    const after = rssBytes(pid)
    log(`first orch dashboard ${ms(openMs)}; link → agents drawn, median of ${PAGE_LOADS}: ${ms(median(times))}; daemon RSS ${mib(before)} → ${mib(after)}`)
    figures.push(figure({ section: 'dashboard', name: 'first `orch dashboard` (loads its code, listens)', value: openMs, unit: 'ms' }))
    figures.push(figure({
      section: 'dashboard', name: `link → ${AGENTS} agents drawn, Chromium (median of ${PAGE_LOADS})`, value: median(times), unit: 'ms',
      target: ({ value }) => value <= 500, targetText: '≤ 500 ms',
    }))
    figures.push(figure({
      section: 'dashboard', name: `daemon RSS, ${AGENTS} agents: before → with a page open`, value: after / 1048576, unit: 'MiB',
      floor: before / 1048576, floorName: 'before', vs: 'diff', target: ({ cmp }) => cmp <= 10, targetText: '≤ +10 MiB',
    }))
  } finally {
    await browser.close()
    await orch(home, ['kill', '--json'], { allowFail: true })
    cleanupHome(home)
  }
  return figures
}

/** The README's picture: the example team at work (a job spread over the workers), the coordinator's detail open. */
async function screenshot(file) {
  const home = mkdtempSync('/tmp/ob-')
  const browser = await launch()
  try {
    await orch(home, ['start', 'ecosystem.config.ts', '--json'])
    await allOnline(home, 8)
    await orch(home, ['request', 'coordinator', 'job', '{"dir":"src/core/queue"}', '--timeout', '60s', '--json'])
    // a second job still running when the picture is taken: workers busy, messages in flight
    const running = orch(home, ['request', 'coordinator', 'job', '{"dir":"src"}', '--timeout', '120s', '--json'], { allowFail: true })
    const { url } = await orchJson(home, ['dashboard', '--no-open', '--port', '0'])
    const context = await browser.newContext({ viewport: { width: 1400, height: 1000 }, deviceScaleFactor: 1 })
    const page = await context.newPage()
    await page.goto(url)
    await page.click('#agents tbody tr[data-id="coordinator"]')
    await page.waitForSelector('#transitions tbody tr')
    await page.waitForFunction(() => (document.querySelector('#log')?.childElementCount ?? 0) > 0)
    await sleep(5000) // a few samples for the sparklines
    await page.screenshot({ path: file, fullPage: false })
    console.log(`wrote ${file}`)
    await orch(home, ['kill', '--json'], { allowFail: true })
    await running
  } finally {
    await browser.close()
    await orch(home, ['kill', '--json'], { allowFail: true })
    cleanupHome(home)
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const at = process.argv.indexOf('--screenshot')
  try {
    if (at > 0) await screenshot(resolve(process.argv[at + 1] ?? join(ROOT, 'docs', 'dashboard.png')))
    else for (const f of await dashboard(console.log)) console.log(f)
  } finally {
    cleanupAll()
  }
}
