// Section `roundtrip`: request/reply between two SDK agents through the
// durable queue (the request and the reply each stored before their send is
// answered, each acked), against a bare NDJSON round trip on a Unix socket
// measured in the same run. One request in flight gives the latency; 100 in
// flight the rate. pm2's figures are its bus (API → app → bus, nothing stored,
// nothing acked), measured side by side on this machine for issue 13.
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { FIXTURES, ROOT, cleanupHome, cpuSeconds, figure, median, orch, orchJson, percentile, tempHome, waitFor, writeConfig } from './lib.mjs'
import { socketFloor } from './queue.mjs'

const ROUNDS = 3
// V8 compiles the hot path of three processes over the first ~2,000-3,000 round trips after a
// start (p50 1.1-1.5 ms over the first 500, 0.3 ms after; docs/benchmarks.md): the figures are
// of the steady state, the first COLD ones of each run are reported on their own.
const ONE = { n: 5_000, window: 1, warmup: 3_000 }
const COLD = 1_000
// the rate too is of the steady state: 20,000 round trips after 20,000 (the first 20,000 take ~1.5x as long)
const MANY = { n: 20_000, window: 100, warmup: 20_000 }
const PM2 = { p50: 119, p99: 1_800, rate100: 8_595 }

const fmtUs = (x) => `${Math.round(x)} µs`
const fmtRate = (r) => `${Math.round(r).toLocaleString('en-US')}/s`
const spread = (xs, fmt) => `${fmt(Math.min(...xs))}–${fmt(Math.max(...xs))}`

/** Read and write system calls of a process so far (/proc/<pid>/io; the queue file's writes count too). */
function syscalls(pid) {
  const io = readFileSync(`/proc/${pid}/io`, 'utf8')
  const n = (key) => Number(new RegExp(`^${key}: (\\d+)`, 'm').exec(io)?.[1] ?? Number.NaN)
  return { reads: n('syscr'), writes: n('syscw') }
}

/** One run on a fresh ORCH_HOME: a requester and a replier; the request times (µs) and the rate. */
export async function roundTrips({ n, window, warmup }) {
  const home = tempHome()
  const dir = join(home, 'q')
  mkdirSync(dir)
  try {
    const agents = [
      { name: 'replier', script: join(FIXTURES, 'q-replier.mjs'), concurrency: 256, startGrace: '100ms', autorestart: false, env: { Q_DIR: dir } },
      {
        name: 'requester', script: join(FIXTURES, 'q-requester.mjs'), startGrace: '100ms', autorestart: false,
        env: { Q_DIR: dir, Q_N: String(n + warmup), Q_WARMUP: String(warmup), Q_TO: 'replier', Q_WINDOW: String(window) },
      },
    ]
    await orch(home, ['start', writeConfig(home, agents), '--json'])
    await waitFor('2 agents ready', () => readdirSync(dir).filter((f) => f.startsWith('ready-')).length === 2, { timeoutMs: 60_000 })
    const daemonPid = Number(readFileSync(join(home, 'daemon.pid'), 'utf8').trim())
    const agentPids = (await orchJson(home, ['ls'])).map((a) => a.pid)
    const agentsCpu = () => agentPids.reduce((sum, pid) => sum + cpuSeconds(pid), 0)
    const cpu0 = cpuSeconds(daemonPid)
    const agentsCpu0 = agentsCpu()
    const io0 = syscalls(daemonPid)
    const { DaemonClient } = await import(pathToFileURL(join(ROOT, 'dist', 'src', 'core', 'client', 'daemon-client.js')).href)
    const client = await DaemonClient.connect(join(home, 'orch.sock'), { client: 'cli' })
    try {
      await client.call('queue.send', { to: 'requester', type: 'go', payload: null })
    } finally {
      client.close()
    }
    const file = join(dir, 'rt-requester.json')
    await waitFor(`${n + warmup} round trips`, () => existsSync(file), { timeoutMs: 180_000, intervalMs: 20 })
    const daemonUs = ((cpuSeconds(daemonPid) - cpu0) * 1e6) / (n + warmup)
    const agentsUs = ((agentsCpu() - agentsCpu0) * 1e6) / (n + warmup)
    const io1 = syscalls(daemonPid)
    const daemonWrites = (io1.writes - io0.writes) / (n + warmup)
    const daemonReads = (io1.reads - io0.reads) / (n + warmup)
    const r = JSON.parse(readFileSync(file, 'utf8'))
    if (r.errors > 0) throw new Error(`bench: ${r.errors} of ${r.n} requests failed`)
    const times = r.times.slice(warmup)
    const cold = r.times.slice(0, Math.min(COLD, warmup))
    return { p50: percentile(times, 50), p99: percentile(times, 99), coldP50: percentile(cold, 50), coldP99: percentile(cold, 99), rate: (n * 1000) / (r.ms - r.warmMs), coldRate: warmup > 0 ? (warmup * 1000) / r.warmMs : undefined, daemonUs, agentsUs, daemonWrites, daemonReads }
  } finally {
    cleanupHome(home)
  }
}

export default async function roundtrip(log) {
  const echo = []
  const one = []
  const many = []
  for (let r = 0; r < ROUNDS; r++) {
    const e = await socketFloor()
    echo.push(e)
    const o = await roundTrips(ONE)
    one.push(o)
    const m = await roundTrips(MANY)
    many.push(m)
    const cost = (x) => `daemon ${x.daemonUs.toFixed(0)} µs + agents ${x.agentsUs.toFixed(0)} µs CPU, daemon ${x.daemonReads.toFixed(2)} reads + ${x.daemonWrites.toFixed(2)} writes per round trip`
    log(`round ${r + 1}: socket p50 ${fmtUs(e.p50)}; request/reply one in flight p50 ${fmtUs(o.p50)}, p99 ${fmtUs(o.p99)} ` +
      `(first ${COLD} after start: p50 ${fmtUs(o.coldP50)}, p99 ${fmtUs(o.coldP99)}) ` +
      `(${cost(o)}); 100 in flight ${fmtRate(m.rate)} (first ${MANY.warmup.toLocaleString('en-US')}: ${fmtRate(m.coldRate)}) (${cost(m)})`)
  }
  const floor50 = median(echo.map((e) => e.p50))
  const floor99 = median(echo.map((e) => e.p99))
  const p50s = one.map((x) => x.p50)
  const p99s = one.map((x) => x.p99)
  const rates = many.map((x) => x.rate)
  const floorName = 'NDJSON round trip on a Unix socket, one at a time'
  return [
    figure({
      section: 'roundtrip', name: `request/reply round trip µs between two SDK agents, one in flight, p50 (${ONE.n} requests after ${ONE.warmup.toLocaleString('en-US')} to warm up, median of ${ROUNDS})`,
      value: Math.round(median(p50s)), unit: 'µs', floor: Math.round(floor50), floorName: `${floorName}, p50`, vs: 'ratio',
      target: ({ value }) => value <= 250, targetText: '≤ 250 µs', pm2: `${PM2.p50} µs (bus, nothing stored)`,
      note: `spread ${spread(p50s, fmtUs)}; daemon CPU ${median(one.map((x) => x.daemonUs)).toFixed(0)} µs per round trip (2 messages stored, delivered, acked)`,
    }),
    figure({
      section: 'roundtrip', name: `request/reply round trip µs, one in flight, p99 (after ${ONE.warmup.toLocaleString('en-US')} to warm up, median of ${ROUNDS})`,
      value: Math.round(median(p99s)), unit: 'µs', floor: Math.round(floor99), floorName: `${floorName}, p99`, vs: 'ratio',
      target: ({ value }) => value <= 2_000, targetText: '≤ 2,000 µs', pm2: `${PM2.p99.toLocaleString('en-US')} µs`,
      note: `spread ${spread(p99s, fmtUs)}`,
    }),
    figure({
      section: 'roundtrip', name: `request/reply round trip µs, one in flight, the first ${COLD.toLocaleString('en-US')} after the agents started, p99 (median of ${ROUNDS})`,
      value: Math.round(median(one.map((x) => x.coldP99))), unit: 'µs', floor: Math.round(floor99), floorName: `${floorName}, p99`, vs: 'ratio',
      note: `while V8 compiles the hot path; p50 ${fmtUs(median(one.map((x) => x.coldP50)))}`,
    }),
    figure({
      section: 'roundtrip', name: `request/reply round trips/s, ${MANY.window} in flight (${MANY.n.toLocaleString('en-US')} requests after ${MANY.warmup.toLocaleString('en-US')} to warm up, median of ${ROUNDS})`,
      value: Math.round(median(rates)), unit: '/s', floor: Math.round(1e6 / floor50), floorName: `${floorName}, per second`, vs: 'ratio',
      target: ({ value }) => value >= 13_000, targetText: '≥ 13,000/s (1.5x pm2)', pm2: `${PM2.rate100.toLocaleString('en-US')}/s`,
      note: `spread ${spread(rates, fmtRate)}; the first ${MANY.warmup.toLocaleString('en-US')} after the agents started: ${fmtRate(median(many.map((x) => x.coldRate)))}; daemon CPU ${median(many.map((x) => x.daemonUs)).toFixed(0)} µs per round trip, warm-up included`,
    }),
  ]
}
