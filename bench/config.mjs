// Section `config`: what evaluating configs outside the daemon costs and saves.
// `orch start CONFIG` of a config whose agents already run is almost only the
// config's evaluation (a loader child spawned by the daemon: Node, cosmiconfig,
// esbuild for .ts); its floor is `node -e 0`. And the daemon's RSS after it
// started a .ts config, against the same team from a .json config: the daemon
// evaluates neither, so both should be the same (with jiti in the daemon, the
// .ts/.js config cost it about 20–30 MiB it kept).
import { join } from 'node:path'
import { writeFileSync } from 'node:fs'
import { NODE, cleanupHome, figure, median, mib, ms, orch, orchJson, rssBytes, sleep, tempHome, timeRun } from './lib.mjs'

const RUNS = 7
const AGENTS = 5

const agents = () => Array.from({ length: AGENTS }, (_, i) => ({ name: `s${i}`, type: 'process', command: 'sleep', args: ['600'] }))

function writeTs(home) {
  const file = join(home, 'ecosystem.config.ts')
  writeFileSync(file, `import { defineConfig } from 'orch'\nconst agents: Array<Record<string, unknown>> = ${JSON.stringify(agents())}\nexport default defineConfig({ agents } as never)\n`)
  return file
}

function writeJson(home) {
  const file = join(home, 'ecosystem.config.json')
  writeFileSync(file, JSON.stringify({ agents: agents() }))
  return file
}

async function measure(kind, log) {
  const home = tempHome()
  try {
    const file = kind === 'ts' ? writeTs(home) : writeJson(home)
    await orch(home, ['start', file])
    const walls = []
    for (let i = 0; i < RUNS; i++) walls.push((await orch(home, ['start', file])).wall)
    await sleep(1_000)
    const { pid } = await orchJson(home, ['daemon', 'status'])
    const rss = rssBytes(pid)
    log(`${kind}: orch start of a running config ${ms(median(walls))} (median of ${RUNS}), daemon RSS ${mib(rss)}`)
    return { wall: median(walls), rss: rss / 1024 / 1024 }
  } finally {
    cleanupHome(home)
  }
}

export default async function config(log) {
  const floors = []
  for (let i = 0; i < RUNS; i++) floors.push((await timeRun(NODE, ['-e', '0'])).wall)
  const floor = median(floors)
  const ts = await measure('ts', log)
  const json = await measure('json', log)
  return [
    figure({ section: 'config', name: `orch start of a running .ts config (${AGENTS} agents): CLI + loader child`, value: ts.wall, unit: 'ms', floor, floorName: 'node -e 0', vs: 'ratio' }),
    figure({ section: 'config', name: `orch start of a running .json config (${AGENTS} agents)`, value: json.wall, unit: 'ms', floor, floorName: 'node -e 0', vs: 'ratio' }),
    figure({ section: 'config', name: 'daemon RSS after a .ts config', value: ts.rss, unit: 'MiB', floor: json.rss, floorName: 'after the same .json config', vs: 'ratio',
      target: ({ cmp }) => cmp <= 1.05, targetText: '≤ 1.05x' }),
  ]
}
