// Section `cli`: how long `orch ls` takes, against `node -e 0` measured in
// the same run, with a daemon already up (10 agents) and on a cold start.
import { readFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import {
  BIN, FIXTURES, NODE, cleanupHome, figure, median, ms, orch, orchJson, tempHome, timeRun, waitFor, writeConfig,
} from './lib.mjs'

const RUNS = 15
const WARMUP = 2
const AGENTS = 10
const COLD_HOMES = 5

async function startIdleAgents(home, n) {
  const agents = Array.from({ length: n }, (_, i) => ({
    name: `idle${i + 1}`,
    script: join(FIXTURES, 'idle-agent.js'),
    instances: 1,
    backoff: { initial: 0 },
    startGrace: '1s',
  }))
  await orch(home, ['start', writeConfig(home, agents), '--json'])
  await waitFor(`${n} agents online`, async () => {
    const list = await orchJson(home, ['ls'])
    return list.length === n && list.every((a) => a.status === 'online')
  }, { intervalMs: 200 })
}

/**
 * The module bin/run.js imports (oclif itself, or the CLI bundle): loading
 * it alone shows how much of `ls` is module loading before any command runs.
 */
function entryModule() {
  // bin/run.js imports the full CLI's bundle (statically, or dynamically after the `orch ls` fast path)
  const m = /(?:from\s+|import\(\s*)'([^']*dist\/cli\/entry\.js)'/.exec(readFileSync(BIN, 'utf8')) ?? /from\s+'([^']+)'/.exec(readFileSync(BIN, 'utf8'))
  const spec = m ? m[1] : '@oclif/core'
  const url = spec.startsWith('.') ? pathToFileURL(resolve(dirname(BIN), spec)).href : spec
  return { spec, code: `import(${JSON.stringify(url)})` }
}

export default async function cli(log) {
  const figures = []
  const home = tempHome()
  const env = { ...process.env, ORCH_HOME: home }
  const entry = entryModule()
  try {
    log(`starting ${AGENTS} idle agents in ${home}…`)
    await startIdleAgents(home, AGENTS)

    // Interleaved so that drift in machine load hits every command alike.
    const cmds = {
      floor: [NODE, ['-e', '0']],
      entry: [NODE, ['-e', entry.code]],
      ls: [NODE, [BIN, 'ls']],
      lsJson: [NODE, [BIN, 'ls', '--json']],
    }
    const times = Object.fromEntries(Object.keys(cmds).map((k) => [k, []]))
    for (let i = 0; i < WARMUP + RUNS; i++) {
      for (const [k, [cmd, args]] of Object.entries(cmds)) {
        const { wall, out } = await timeRun(cmd, args, { env })
        if (k === 'lsJson' && JSON.parse(out).length !== AGENTS) throw new Error(`bench: ls --json listed ${JSON.parse(out).length} agents, expected ${AGENTS}`)
        if (i >= WARMUP) times[k].push(wall)
      }
    }
    const m = Object.fromEntries(Object.entries(times).map(([k, v]) => [k, median(v)]))
    log(`medians of ${RUNS}: node -e 0 ${ms(m.floor)}, import('${entry.spec}') ${ms(m.entry)}, ls ${ms(m.ls)}, ls --json ${ms(m.lsJson)}`)

    const floorName = '`node -e 0`'
    figures.push(figure({
      section: 'cli', name: `\`orch ls\`, ${AGENTS} agents, daemon up (median of ${RUNS})`, value: m.ls, unit: 'ms',
      floor: m.floor, floorName, vs: 'ratio', target: ({ cmp }) => cmp <= 2.3, targetText: '≤ 2.3x',
      pm2: '266 ms, 2.6x',
    }))
    figures.push(figure({
      section: 'cli', name: `\`orch ls --json\`, ${AGENTS} agents (median of ${RUNS})`, value: m.lsJson, unit: 'ms',
      floor: m.floor, floorName, vs: 'ratio', target: ({ cmp }) => cmp <= 2.3, targetText: '≤ 2.3x',
    }))
    figures.push(figure({
      section: 'cli', name: `only loading bin/run.js's import \`${entry.spec}\` (diagnostic, median of ${RUNS})`, value: m.entry, unit: 'ms',
      floor: m.floor, floorName, vs: 'ratio', note: 'share of `ls` spent loading modules before any command runs',
    }))
  } finally {
    cleanupHome(home)
  }

  // Cold: the first command on a fresh ORCH_HOME has to start the daemon.
  const cold = []
  const coldFloor = []
  for (let i = 0; i < COLD_HOMES; i++) {
    const fresh = tempHome()
    try {
      coldFloor.push((await timeRun(NODE, ['-e', '0'])).wall)
      const { wall } = await orch(fresh, ['ls'])
      cold.push(wall)
    } finally {
      cleanupHome(fresh)
    }
  }
  log(`cold \`orch ls\` (daemon start) on ${COLD_HOMES} fresh homes: ${cold.map(ms).join(', ')}`)
  figures.push(figure({
    section: 'cli', name: `first \`orch ls\`, starts the daemon (median of ${COLD_HOMES} fresh homes)`, value: median(cold), unit: 'ms',
    floor: median(coldFloor), floorName: '`node -e 0`', vs: 'ratio', targetText: '< 580 ms (pm2)',
    target: ({ value }) => value < 580, pm2: '≈ 580 ms',
  }))
  return figures
}
