// Section `ts-agent`: the example ping-pong agent (examples/ping-pong/agent.ts)
// run as TypeScript (compiled by orch into ORCH_HOME/cache/ts) against the same
// agent with its types stripped, as plain .js; and, as a diagnostic, the way
// orch ran .ts agents before: under jiti's loader (`--import jiti/register`).
// Figures: each agent's RSS once the pair has been ping-ponging a while, and
// start → ready(): the `starting` to `online` events of `orch describe`
// (ready() is what makes a ping-pong agent online), compile included.
import { copyFileSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { join } from 'node:path'
import { transform } from 'esbuild'
import { NODE, ROOT, cleanupHome, figure, median, mib, ms, orch, orchJson, rssBytes, sleep, tempHome, waitFor, writeConfig } from './lib.mjs'

const ROUNDS = 3
/** time for a few ping-pong rounds (one every 2 s) before RSS is read */
const SETTLE_MS = 5_000
const EXAMPLE = join(ROOT, 'examples', 'ping-pong', 'agent.ts')
const JITI_REGISTER = fileURLToPath(import.meta.resolve('jiti/register'))

/** agent.ts and agent.js side by side in `home`, with `orch` resolvable from their folder as in a user's project. */
async function project(home) {
  const dir = join(home, 'pp')
  mkdirSync(join(dir, 'node_modules'), { recursive: true })
  symlinkSync(ROOT, join(dir, 'node_modules', 'orch'))
  copyFileSync(EXAMPLE, join(dir, 'agent.ts'))
  const { code } = await transform(readFileSync(EXAMPLE, 'utf8'), { loader: 'ts', format: 'esm', target: 'node20' })
  writeFileSync(join(dir, 'agent.js'), code)
  writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n')
  return dir
}

const VARIANTS = {
  js: (dir, peer) => ({ script: join(dir, 'agent.js'), env: { PEER: peer } }),
  ts: (dir, peer) => ({ script: join(dir, 'agent.ts'), env: { PEER: peer } }),
  jiti: (dir, peer) => ({ type: 'process', command: NODE, args: ['--import', JITI_REGISTER, join(dir, 'agent.ts')], cwd: dir, env: { PEER: peer } }),
}

/** ms from the last `→ starting` to the `starting → online` after it. */
async function startToReady(home, name) {
  const d = await orchJson(home, ['describe', name])
  const online = d.events.findLast((e) => e.from === 'starting' && e.to === 'online')
  const starting = d.events.findLast((e) => e.to === 'starting' && e.at <= online.at)
  return online.at - starting.at
}

const onlinePids = async (home, n) =>
  waitFor('the pair online', async () => {
    const agents = await orchJson(home, ['ls'])
    return agents.length === n && agents.every((a) => a.status === 'online' && a.pid) && agents.map((a) => a.pid)
  })

async function runVariant(variant, log) {
  const home = tempHome()
  try {
    const dir = await project(home)
    const cfg = writeConfig(home, [
      { name: 'a', ...VARIANTS[variant](dir, 'b'), readyTimeout: '30s' },
      { name: 'b', ...VARIANTS[variant](dir, 'a'), readyTimeout: '30s' },
    ])
    await orch(home, ['start', cfg])
    const pids = await onlinePids(home, 2)
    const cold = median([await startToReady(home, 'a'), await startToReady(home, 'b')])
    await sleep(SETTLE_MS)
    const rss = median(pids.map(rssBytes))
    await orch(home, ['restart', 'a'])
    await waitFor('a restarted', async () => (await orchJson(home, ['ls'])).some((x) => x.name === 'a' && x.status === 'online' && !pids.includes(x.pid)))
    const warm = await startToReady(home, 'a')
    log(`${variant}: RSS ${mib(rss)}, start → ready ${ms(cold)} (first start), ${ms(warm)} (restart)`)
    return { rss, cold, warm }
  } finally {
    cleanupHome(home)
  }
}

export default async function tsAgent(log) {
  const samples = { js: [], ts: [], jiti: [] }
  for (let round = 0; round < ROUNDS; round++) {
    for (const variant of Object.keys(samples)) samples[variant].push(await runVariant(variant, log))
  }
  const m = Object.fromEntries(Object.entries(samples).map(([k, xs]) => [k, {
    rss: median(xs.map((x) => x.rss)) / 1024 / 1024, cold: median(xs.map((x) => x.cold)), warm: median(xs.map((x) => x.warm)),
  }]))
  const floorName = 'the same agent as .js'
  return [
    figure({ section: 'ts-agent', name: `RSS of a ping-pong agent in .ts (median of ${ROUNDS} rounds × 2 agents)`, value: m.ts.rss, unit: 'MiB',
      floor: m.js.rss, floorName, vs: 'ratio', target: ({ cmp }) => cmp <= 1.2, targetText: '≤ 1.2x' }),
    figure({ section: 'ts-agent', name: 'start → ready() of a .ts agent, first start (compile included)', value: m.ts.cold, unit: 'ms',
      floor: m.js.cold, floorName, vs: 'diff' }),
    figure({ section: 'ts-agent', name: 'start → ready() of a .ts agent, restart', value: m.ts.warm, unit: 'ms',
      floor: m.js.warm, floorName, vs: 'diff' }),
    figure({ section: 'ts-agent', name: 'RSS of the .ts agent under jiti\'s loader, as before (diagnostic)', value: m.jiti.rss, unit: 'MiB',
      floor: m.js.rss, floorName, vs: 'ratio' }),
    figure({ section: 'ts-agent', name: 'start → ready() under jiti\'s loader, first start (diagnostic)', value: m.jiti.cold, unit: 'ms',
      floor: m.js.cold, floorName, vs: 'diff' }),
  ]
}
