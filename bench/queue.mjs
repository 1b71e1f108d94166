// Section `queue`: messages from sender agents to a consumer agent through a
// real daemon, all on the Node SDK: throughput (stored, delivered, handled and
// acked) and latency (send call → handler start). Floors from the same run:
// NeDB batched inserts in this process, and a bare Unix-socket round trip.
// Then a pool addressed by name (queue-pool.mjs): 4 instances at concurrency 1,
// and 1,000 handlers in flight renewing their leases.
import { spawn } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { appendFile } from 'node:fs/promises'
import { connect as netConnect } from 'node:net'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import {
  FIXTURES, NODE, ROOT, cleanupHome, cpuSeconds, figure, median, now, orch, orchJson, percentile, rssBytes, tempHome, trackPid, untrackPid, waitFor,
  writeConfig,
} from './lib.mjs'
import { poolRun } from './queue-pool.mjs'

const MESSAGES = 20_000
/**
 * Sent before the MESSAGES that are timed, in the same run: each run starts a
 * new daemon and new agents, and V8 compiles the hot path over the first
 * ~20,000 (1 sender: 20,800/s over a run of 20,000, 28,400/s over 80,000
 * here). The whole run's rate is in the note.
 */
const WARMUP = 20_000
/** issue 13: one-way, 1 sender */
const ONE_SENDER_RATE = 25_000
const WINDOW = 256
const ROUNDS = 3
const SENDER_COUNTS = [1, 4]
const LATENCY_RATE = 500
const LATENCY_MESSAGES = 2_500 // 5 s at LATENCY_RATE
const NEDB_BATCH = 256
/** inserts timed one after the other, per durability */
const STORE_ONE_BY_ONE = 1_000
const ECHO_WARMUP = 500
const ECHO_RUNS = 5_000
/** pm2's bus (no storage, no acks), 100 in flight, on this machine. */
const PM2_BUS_RATE = 11_000
const PAD = 'x'.repeat(64)
/** The throughput consumer's in-flight limit: high, so that it measures the queue and not one-at-a-time handling. */
const CONSUMER_CONCURRENCY = 256
const POOL = { n: 10_000, instances: 4, concurrency: 1, lease: '30s', holdMs: 0 }
/** 1,000 handlers of 1 s each, leases of 300 ms: the SDK renews each about every 100 ms while it runs. */
const RENEW = { n: 4_000, instances: 1, concurrency: 1_000, lease: '300ms', holdMs: 1_000 }
const RENEW_LEASE_MS = 300
/** the same with a lease no handler outlives: nothing is renewed */
const NO_RENEW = { ...RENEW, lease: '30s' }

const fmtRate = (r) => `${Math.round(r).toLocaleString('en-US')}/s`
const fmtUs = (x) => `${Math.round(x)} µs`
const spread = (xs, fmt) => `${fmt(Math.min(...xs))}–${fmt(Math.max(...xs))}`

function readJson(file) {
  try {
    return JSON.parse(readFileSync(file, 'utf8'))
  } catch {
    return null
  }
}

/** The last lines of every agent log under `home`, for an error message when agents never got ready. */
function logTails(home) {
  const dir = join(home, 'logs')
  if (!existsSync(dir)) return '(no logs)'
  return readdirSync(dir)
    .map((f) => `--- ${f}\n${readFileSync(join(dir, f), 'utf8').split('\n').slice(-8).join('\n')}`)
    .join('\n')
}

// ------------------------------------------------------------ end to end

/** The history's default bound (DEFAULT_HISTORY_MAX_EVENTS) */
const HISTORY_EVENTS = 100_000

/**
 * Fills data/history.log with the default bound's worth of events (folded
 * lines of 3, as most messages are written, an hour old), as in any daemon
 * that has run a while: the timed runs then pay for keeping the bound, as a
 * daemon does in its steady state. (Before 2026-12-03 the bench began with
 * an empty history, which a run of 40,000 messages never filled: keeping
 * the bound, a rewrite of the file every 25,000 events then, never showed.)
 */
function fillHistory(home) {
  const data = join(home, 'data')
  mkdirSync(data, { recursive: true, mode: 0o700 })
  const t = Date.now() - 3_600_000
  const lines = []
  for (let i = 0; i < HISTORY_EVENTS / 3; i++) {
    const id = `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`
    lines.push(`{"t":${t + i},"ev":"stored","id":"${id}","from":"qsender","to":"qconsumer","type":"bench","priority":0,"instance":"qconsumer","attempt":1,"deliveredAt":${t + i},"ackedAt":${t + i + 1}}\n`)
  }
  writeFileSync(join(data, 'history.log'), lines.join(''), { mode: 0o600 })
}

/**
 * One round on a fresh ORCH_HOME: a consumer and `senders` sender instances.
 * Once all are ready, the bench (as a CLI client) sends each sender `go`.
 * Throughput is `n` over the time from the earliest first send to the moment
 * the consumer's last acks were answered.
 */
export async function endToEnd({ senders, n, warmup = 0, rate = 0, durability, history = true, extra: more = {} }) {
  const home = tempHome()
  const dir = join(home, 'q')
  mkdirSync(dir)
  if (history) fillHistory(home)
  try {
    const agents = [
      {
        name: 'qconsumer', script: join(FIXTURES, 'q-consumer.mjs'), instances: 1, concurrency: CONSUMER_CONCURRENCY,
        startGrace: '100ms', autorestart: false,
        env: { Q_N: String(n + warmup), Q_DIR: dir },
      },
      {
        name: 'qsender', script: join(FIXTURES, 'q-sender.mjs'), instances: senders, startGrace: '100ms', autorestart: false,
        env: { Q_N: String((n + warmup) / senders), Q_WARMUP: String(warmup / senders), Q_TO: 'qconsumer', Q_WINDOW: String(WINDOW), Q_RATE: String(rate), Q_DIR: dir },
      },
    ]
    const extra = { ...(durability ? { queue: { durability } } : {}), ...(history ? {} : { history: { enabled: false } }), ...more }
    await orch(home, ['start', writeConfig(home, agents, undefined, extra), '--json'])
    const ready = () => readdirSync(dir).filter((f) => f.startsWith('ready-'))
    await waitFor(`${senders + 1} queue agents ready`, () => ready().length === senders + 1, { timeoutMs: 60_000 })
      .catch((err) => { throw new Error(`${err.message}\n${logTails(home)}`) })
    const senderIds = ready().map((f) => f.slice('ready-'.length)).filter((id) => id !== 'qconsumer')
    // CPU time (all threads) of each process over the run: which stage is the bottleneck
    const pids = { daemon: Number(readFileSync(join(home, 'daemon.pid'), 'utf8').trim()) }
    for (const a of await orchJson(home, ['ls'])) pids[a.name === 'qconsumer' ? 'consumer' : a.id] = a.pid
    const cpu = () => Object.fromEntries(Object.entries(pids).map(([k, pid]) => [k, cpuSeconds(pid)]))
    const cpu0 = cpu()

    const { DaemonClient } = await import(pathToFileURL(join(ROOT, 'dist', 'src', 'core', 'client', 'daemon-client.js')).href)
    const client = await DaemonClient.connect(join(home, 'orch.sock'), { client: 'cli' })
    try {
      await Promise.all(senderIds.map((to) => client.call('queue.send', { to, type: 'go', payload: null })))
    } finally {
      client.close()
    }

    const files = () => ['consumer.json', ...senderIds.map((id) => `sent-${id}.json`)].map((f) => join(dir, f))
    await waitFor(`${n} messages acked by the consumer`, () => files().every(existsSync), { timeoutMs: 180_000, intervalMs: 20 })
      .catch((err) => { throw new Error(`${err.message}\n${logTails(home)}`) })
    const cpu1 = cpu()
    const [consumer, ...sent] = files().map(readJson)
    // µs of CPU per message: daemon, consumer, and all senders together
    const total = n + warmup
    // over the whole run, warm-up included
    const cpuUs = (keys) => (keys.reduce((a, k) => a + cpu1[k] - cpu0[k], 0) * 1e6) / total
    const errors = sent.reduce((a, s) => a + s.errors, 0)
    if (consumer.n !== total || errors > 0) throw new Error(`bench: consumer got ${consumer.n} of ${total} messages; ${errors} sends failed`)
    const first = Math.min(...sent.map((s) => s.first))
    return {
      daemonRss: rssBytes(pids.daemon),
      // after the warm-up: from the first send after it (the latest sender's) to the last ack's answer; the
      // messages of the warm-up still acked in that time are not counted, so this errs low
      rate: (n * 1000) / (consumer.acked - Math.max(...sent.map((s) => s.warmAt))),
      // the whole run, warm-up included
      wholeRate: (total * 1000) / (consumer.acked - first),
      // diagnostic: how fast the senders got their messages stored
      sendRate: (total * 1000) / (Math.max(...sent.map((s) => s.last)) - first),
      lat50: percentile(consumer.latencies, 50),
      lat99: percentile(consumer.latencies, 99),
      latMax: Math.max(...consumer.latencies),
      cpu: { daemon: cpuUs(['daemon']), consumer: cpuUs(['consumer']), senders: cpuUs(senderIds) },
    }
  } finally {
    cleanupHome(home)
  }
}

// ------------------------------------------------------------ floors

/**
 * The queue store alone, in this process: `n` inserts one after the other
 * (each its own group commit, so with 'fsync' each waits for its own
 * fdatasync); µs per insert. What durability costs a send that nothing
 * batches with.
 */
async function storeOneByOne(n, durability) {
  const { NedbQueueStore } = await import(pathToFileURL(join(ROOT, 'dist', 'src', 'core', 'queue', 'nedb-store.js')).href)
  const home = tempHome()
  try {
    const store = new NedbQueueStore(join(home, 'queue.db'), { durability })
    await store.load()
    const times = []
    for (let i = 0; i < n; i++) {
      const m = { id: `m${i}`, from: 'a', to: 'b', type: 'bench', priority: 0, payload: { i, pad: PAD }, hops: 0, attempts: 0, createdAt: Date.now(), seq: i + 1 }
      const t0 = process.hrtime.bigint()
      await store.insert([m])
      times.push(Number(process.hrtime.bigint() - t0) / 1000)
    }
    await store.close()
    return { p50: percentile(times, 50), p99: percentile(times, 99) }
  } finally {
    cleanupHome(home)
  }
}

/** NeDB alone: `n` message-shaped documents inserted in batches, one batch at a time; then removed the same way. */
async function nedbFloor(n) {
  const { default: Datastore } = await import('nedb-promises')
  const home = tempHome()
  try {
    const ds = Datastore.create({ filename: join(home, 'floor.db') })
    await ds.load()
    const docs = Array.from({ length: n }, (_, i) => ({
      _id: `m${i.toString(36)}-${Math.random().toString(36).slice(2, 10)}`, from: 'qsender', to: 'qconsumer', type: 'bench', priority: 0,
      payloadJson: JSON.stringify({ i, t: Date.now(), pad: PAD }), hops: 0, attempts: 0, createdAt: Date.now(), seq: i + 1,
    }))
    let t0 = now()
    for (let i = 0; i < n; i += NEDB_BATCH) await ds.insert(docs.slice(i, i + NEDB_BATCH))
    const insertMs = now() - t0
    t0 = now()
    for (let i = 0; i < n; i += NEDB_BATCH) {
      await ds.remove({ _id: { $in: docs.slice(i, i + NEDB_BATCH).map((d) => d._id) } }, { multi: true })
    }
    const removeMs = now() - t0
    // What the same batches cost as bare appends of NeDB's own line format (a document, then a `$$deleted` line)
    const log = join(home, 'append.db')
    t0 = now()
    for (let i = 0; i < n; i += NEDB_BATCH) await appendFile(log, docs.slice(i, i + NEDB_BATCH).map((d) => `${JSON.stringify(d)}\n`).join(''))
    for (let i = 0; i < n; i += NEDB_BATCH) {
      await appendFile(log, docs.slice(i, i + NEDB_BATCH).map((d) => `${JSON.stringify({ $$deleted: true, _id: d._id })}\n`).join(''))
    }
    const appendMs = now() - t0
    return { insertRate: (n * 1000) / insertMs, cycleRate: (n * 1000) / (insertMs + removeMs), appendCycleRate: (n * 1000) / appendMs }
  } finally {
    cleanupHome(home)
  }
}

/** One NDJSON request at a time to an echo server in its own process; round-trip times in µs. */
export async function socketFloor() {
  const home = tempHome()
  const sock = join(home, 'echo.sock')
  const server = spawn(NODE, [join(FIXTURES, 'q-echo-server.mjs'), sock], { stdio: ['ignore', 'pipe', 'inherit'] })
  trackPid(server.pid)
  try {
    await new Promise((resolve, reject) => {
      server.once('error', reject)
      server.once('exit', (code) => reject(new Error(`bench: echo server exited (${code})`)))
      server.stdout.once('data', resolve)
    })
    const socket = netConnect(sock)
    await new Promise((resolve, reject) => socket.once('connect', resolve).once('error', reject))
    socket.setEncoding('utf8')
    let buf = ''
    let waiting = null
    socket.on('data', (chunk) => {
      buf += chunk
      const nl = buf.indexOf('\n')
      if (nl < 0) return
      const line = buf.slice(0, nl)
      buf = buf.slice(nl + 1)
      waiting(JSON.parse(line))
    })
    const times = []
    for (let i = 0; i < ECHO_WARMUP + ECHO_RUNS; i++) {
      const t0 = process.hrtime.bigint()
      await new Promise((resolve) => {
        waiting = resolve
        socket.write(`${JSON.stringify({ id: i, method: 'ping', params: {} })}\n`)
      })
      if (i >= ECHO_WARMUP) times.push(Number(process.hrtime.bigint() - t0) / 1000)
    }
    socket.destroy()
    return { p50: percentile(times, 50), p99: percentile(times, 99) }
  } finally {
    server.kill('SIGKILL')
    untrackPid(server.pid)
    cleanupHome(home)
  }
}

// ------------------------------------------------------------ section

export default async function queue(log) {
  const figures = []
  const nedb = []
  const echo = []
  const runs = Object.fromEntries(SENDER_COUNTS.map((k) => [k, []]))
  const paced = []
  const pool = []
  const fsyncRuns = []
  const fsyncPaced = []
  const oneByOne = { buffered: [], fsync: [] }
  const renew = []
  const noRenew = []
  const historyOff = []

  // Rounds interleave floors and orch, so that drift in machine load hits both alike.
  for (let r = 0; r < ROUNDS; r++) {
    const f = await nedbFloor(MESSAGES)
    nedb.push(f)
    log(`round ${r + 1}: NeDB ${fmtRate(f.insertRate)} inserts (batches of ${NEDB_BATCH}); insert + remove ${fmtRate(f.cycleRate)} messages; ` +
      `bare appends of the same lines ${fmtRate(f.appendCycleRate)} messages`)
    const e = await socketFloor()
    echo.push(e)
    log(`round ${r + 1}: socket round trip p50 ${fmtUs(e.p50)}, p99 ${fmtUs(e.p99)}`)
    for (const senders of SENDER_COUNTS) {
      const x = await endToEnd({ senders, n: MESSAGES, warmup: WARMUP })
      runs[senders].push(x)
      log(`round ${r + 1}: ${senders} sender(s), ${MESSAGES} messages after ${WARMUP}: ${fmtRate(x.rate)} acked (${fmtRate(x.wholeRate)} over the whole run; sends stored at ${fmtRate(x.sendRate)}); ` +
        `send → handler p50 ${x.lat50.toFixed(1)} ms, p99 ${x.lat99.toFixed(1)} ms; CPU µs/msg: daemon ${x.cpu.daemon.toFixed(0)}, ` +
        `senders ${x.cpu.senders.toFixed(0)}, consumer ${x.cpu.consumer.toFixed(0)}`)
    }
    // the message history off (config `history: { enabled: false }`): what recording every message's lifecycle costs
    const hx = await endToEnd({ senders: 1, n: MESSAGES, warmup: WARMUP, history: false })
    historyOff.push(hx)
    log(`round ${r + 1}: history off: 1 sender ${fmtRate(hx.rate)} acked; daemon CPU ${hx.cpu.daemon.toFixed(0)} µs/msg`)
    const p = await endToEnd({ senders: 1, n: LATENCY_MESSAGES, rate: LATENCY_RATE })
    paced.push(p)
    // queue: { durability: 'fsync' }: the same runs, each group commit fsynced
    const fx = await endToEnd({ senders: 1, n: MESSAGES, warmup: WARMUP, durability: 'fsync' })
    fsyncRuns.push(fx)
    const fp = await endToEnd({ senders: 1, n: LATENCY_MESSAGES, rate: LATENCY_RATE, durability: 'fsync' })
    fsyncPaced.push(fp)
    for (const d of ['buffered', 'fsync']) oneByOne[d].push(await storeOneByOne(STORE_ONE_BY_ONE, d))
    log(`round ${r + 1}: durability fsync: 1 sender ${fmtRate(fx.rate)} acked; paced send → handler p50 ${fmtUs(fp.lat50 * 1000)}, p99 ${fmtUs(fp.lat99 * 1000)}; ` +
      `store inserts one by one p50 ${fmtUs(oneByOne.fsync.at(-1).p50)} (buffered ${fmtUs(oneByOne.buffered.at(-1).p50)})`)
    const c1 = await poolRun(POOL)
    pool.push(c1)
    log(`round ${r + 1}: ${POOL.instances} instances at concurrency 1, ${POOL.n} msgs: ${fmtRate(c1.rate)} (split ${c1.perInstance.join('/')}, ` +
      `${c1.redelivered} redelivered); daemon CPU ${c1.daemonCpuUs.toFixed(0)} µs/msg`)
    for (const [label, spec, out] of [['renewing', RENEW, renew], ['not renewing', NO_RENEW, noRenew]]) {
      const x = await poolRun(spec)
      out.push(x)
      log(`round ${r + 1}: ${spec.concurrency} handlers of ${spec.holdMs} ms, lease ${spec.lease} (${label}), ${spec.n} msgs: ${fmtRate(x.rate)} ` +
        `(${x.redelivered} redelivered, leaseMs ${x.leaseMs.join('–')}); daemon CPU ${x.daemonCpuPct.toFixed(1)} % of a core, ` +
        `${x.daemonCpuUs.toFixed(0)} µs/msg; SDK agent ${x.workersCpuUs.toFixed(0)} µs/msg`)
    }
    log(`round ${r + 1}: ${LATENCY_RATE} msgs/s for ${LATENCY_MESSAGES / LATENCY_RATE} s: send → handler p50 ${fmtUs(p.lat50 * 1000)}, ` +
      `p99 ${fmtUs(p.lat99 * 1000)}, max ${p.latMax.toFixed(1)} ms; CPU µs/msg: daemon ${p.cpu.daemon.toFixed(0)}, ` +
      `sender ${p.cpu.senders.toFixed(0)}, consumer ${p.cpu.consumer.toFixed(0)}`)
  }

  const nedbRate = median(nedb.map((f) => f.insertRate))
  const nedbName = `NeDB \`insert\`/s, ${NEDB_BATCH}-doc batches, in-process`
  for (const senders of SENDER_COUNTS) {
    const rates = runs[senders].map((x) => x.rate)
    const value = median(rates)
    // issue 13 asks 25,000/s of 1 sender; with 4, the rate of pm2's bus
    const minRate = senders === 1 ? ONE_SENDER_RATE : PM2_BUS_RATE
    figures.push(figure({
      section: 'queue',
      name: `msgs/s stored → delivered → acked, ${senders} sender${senders > 1 ? 's' : ''} (${MESSAGES} msgs after ${WARMUP} to warm up, window ${WINDOW}/sender, median of ${ROUNDS})`,
      value: Math.round(value), unit: 'msgs/s', floor: Math.round(nedbRate), floorName: nedbName, vs: 'ratio',
      target: ({ value: v, cmp }) => v >= minRate && cmp >= 0.5,
      targetText: `≥ ${minRate.toLocaleString('en-US')}/s and ≥ 0.5x NeDB`,
      pm2: senders === 1 ? `≈ ${PM2_BUS_RATE.toLocaleString('en-US')}/s (bus: no store, no ack)` : undefined,
      note: `spread ${spread(rates, fmtRate)}; over the whole run, warm-up included: ${fmtRate(median(runs[senders].map((x) => x.wholeRate)))}; ` +
        `sends stored at ${fmtRate(median(runs[senders].map((x) => x.sendRate)))}; ` +
        `send → handler p50 ${median(runs[senders].map((x) => x.lat50)).toFixed(1)} ms under this load; ` +
        `CPU µs/msg: daemon ${median(runs[senders].map((x) => x.cpu.daemon)).toFixed(0)}, senders ${median(runs[senders].map((x) => x.cpu.senders)).toFixed(0)}, ` +
        `consumer ${median(runs[senders].map((x) => x.cpu.consumer)).toFixed(0)}`,
    }))
  }
  const echo50 = median(echo.map((e) => e.p50))
  const echo99 = median(echo.map((e) => e.p99))
  const socketName = `NDJSON round trip on a Unix socket, one at a time`
  const lat50 = paced.map((p) => p.lat50 * 1000)
  const lat99 = paced.map((p) => p.lat99 * 1000)
  figures.push(figure({
    section: 'queue', name: `latency µs, send call → handler start, p50 at ${LATENCY_RATE} msgs/s (median of ${ROUNDS})`,
    value: Math.round(median(lat50)), unit: 'µs', floor: Math.round(echo50), floorName: `${socketName}, p50`, vs: 'ratio',
    target: ({ value: v }) => v < 1000, targetText: '< 1,000 µs',
    note: `spread ${spread(lat50, fmtUs)}; CPU µs/msg at this rate (nothing to batch): daemon ${median(paced.map((p) => p.cpu.daemon)).toFixed(0)}, ` +
      `sender ${median(paced.map((p) => p.cpu.senders)).toFixed(0)}, consumer ${median(paced.map((p) => p.cpu.consumer)).toFixed(0)}`,
  }))
  figures.push(figure({
    section: 'queue', name: `latency µs, send call → handler start, p99 at ${LATENCY_RATE} msgs/s (median of ${ROUNDS})`,
    value: Math.round(median(lat99)), unit: 'µs', floor: Math.round(echo99), floorName: `${socketName}, p99`, vs: 'ratio',
    note: `spread ${spread(lat99, fmtUs)}`,
  }))
  figures.push(historyFigure(runs[1], historyOff))
  figures.push(...durabilityFigures({ runs: runs[1], fsyncRuns, paced, fsyncPaced, oneByOne }))
  figures.push(...poolFigures({ pool, renew, noRenew, echo }))
  figures.push(figure({
    section: 'queue', name: `NeDB batched inserts/s, ${NEDB_BATCH}-doc batches (floor, median of ${ROUNDS})`, value: Math.round(nedbRate), unit: 'docs/s',
    note: `spread ${spread(nedb.map((f) => f.insertRate), fmtRate)}; insert then remove, per message: ${fmtRate(median(nedb.map((f) => f.cycleRate)))}; ` +
      `bare appends of the same lines: ${fmtRate(median(nedb.map((f) => f.appendCycleRate)))}`,
  }))
  figures.push(figure({
    section: 'queue', name: `Unix-socket NDJSON round trip µs, p50 (floor, median of ${ROUNDS})`, value: Math.round(echo50), unit: 'µs',
    note: `p99 ${fmtUs(echo99)}; p50 spread ${spread(echo.map((e) => e.p50), fmtUs)}`,
  }))
  return figures
}

/** The message history (on by default) against the same runs with `history: { enabled: false }`; its cost per message in daemon CPU. */
export function historyFigure(on, off) {
  const rates = on.map((x) => x.rate)
  const offRates = off.map((x) => x.rate)
  const cpuOn = median(on.map((x) => x.cpu.daemon))
  const cpuOff = median(off.map((x) => x.cpu.daemon))
  return figure({
    section: 'queue', name: `msgs/s stored → delivered → acked, 1 sender, message history on (${MESSAGES} msgs after ${WARMUP} to warm up, median of ${on.length})`,
    value: Math.round(median(rates)), unit: 'msgs/s', floor: Math.round(median(offRates)), floorName: 'the same with `history: { enabled: false }`', vs: 'ratio',
    target: ({ cmp }) => cmp >= 0.85, targetText: '≥ 0.85x history off (within 15%)',
    note: `spread on ${spread(rates, fmtRate)}, off ${spread(offRates, fmtRate)}; daemon CPU ${cpuOn.toFixed(0)} µs/msg on, ${cpuOff.toFixed(0)} off: ` +
      `≈ ${(cpuOn - cpuOff).toFixed(1)} µs per message for its 3 events (stored, delivered, acked), appended in batches every 50 ms`,
  })
}

/** What `queue: { durability: 'fsync' }` costs, each next to the same figure with the default ('buffered'). */
function durabilityFigures({ runs, fsyncRuns, paced, fsyncPaced, oneByOne }) {
  const rates = fsyncRuns.map((x) => x.rate)
  const lat50 = fsyncPaced.map((p) => p.lat50 * 1000)
  const one = oneByOne.fsync.map((x) => x.p50)
  return [
    figure({
      section: 'queue', name: `msgs/s stored → delivered → acked, 1 sender, durability 'fsync' (${MESSAGES} msgs after ${WARMUP} to warm up, median of ${ROUNDS})`,
      value: Math.round(median(rates)), unit: 'msgs/s', floor: Math.round(median(runs.map((x) => x.rate))), floorName: "the same with the default durability 'buffered'", vs: 'ratio',
      note: `spread ${spread(rates, fmtRate)}; sends stored at ${fmtRate(median(fsyncRuns.map((x) => x.sendRate)))}; each group commit is one fdatasync`,
    }),
    figure({
      section: 'queue', name: `latency µs, send call → handler start, p50 at ${LATENCY_RATE} msgs/s, durability 'fsync' (median of ${ROUNDS})`,
      value: Math.round(median(lat50)), unit: 'µs', floor: Math.round(median(paced.map((p) => p.lat50 * 1000))), floorName: "the same with 'buffered'", vs: 'ratio',
      note: `spread ${spread(lat50, fmtUs)}; p99 ${fmtUs(median(fsyncPaced.map((p) => p.lat99 * 1000)))}; at this rate nothing batches: one fdatasync per send`,
    }),
    figure({
      section: 'queue', name: `µs per store insert one at a time, in-process, durability 'fsync' (p50, ${STORE_ONE_BY_ONE} inserts, median of ${ROUNDS})`,
      value: Math.round(median(one)), unit: 'µs', floor: Math.round(median(oneByOne.buffered.map((x) => x.p50))), floorName: "the same with 'buffered'", vs: 'ratio',
      note: `spread ${spread(one, fmtUs)}; p99 ${fmtUs(median(oneByOne.fsync.map((x) => x.p99)))}: the disk's fdatasync latency`,
    }),
  ]
}

function poolFigures({ pool, renew, noRenew, echo }) {
  const figures = []
  const trips = echo.map((e) => 1e6 / e.p50)
  const c1 = pool.map((x) => x.rate)
  const mid = (xs, key) => median(xs.map((x) => x[key]))
  figures.push(figure({
    section: 'queue',
    name: `msgs/s, concurrency 1: ${POOL.instances} instances addressed by name, one message at a time each (${POOL.n} msgs, 1 sender, median of ${ROUNDS})`,
    value: Math.round(median(c1)), unit: 'msgs/s', floor: Math.round(median(trips)),
    floorName: 'NDJSON round trips/s on a Unix socket, one at a time', vs: 'ratio',
    note: `spread ${spread(c1, fmtRate)}; split over the instances ${pool.map((x) => x.perInstance.join('/')).join(', ')}; ` +
      `redelivered ${pool.reduce((a, x) => a + x.redelivered, 0)}; CPU µs/msg: daemon ${mid(pool, 'daemonCpuUs').toFixed(0)}, ` +
      `the 4 instances ${mid(pool, 'workersCpuUs').toFixed(0)}`,
  }))
  const rates = renew.map((x) => x.rate)
  // renewed at lease/3, 2 lease/3, … while the handler runs
  const renewals = RENEW.n * (Math.ceil(RENEW.holdMs / (RENEW_LEASE_MS / 3)) - 1)
  const extraCpuUs = (mid(renew, 'daemonCpuUs') - mid(noRenew, 'daemonCpuUs')) * RENEW.n / renewals
  figures.push(figure({
    section: 'queue',
    name: `msgs/s, ${RENEW.concurrency.toLocaleString('en-US')} handlers in flight, each renewing its lease (${RENEW_LEASE_MS} ms lease, ` +
      `handlers of ${RENEW.holdMs / 1000} s, ${RENEW.n.toLocaleString('en-US')} msgs, median of ${ROUNDS})`,
    value: Math.round(median(rates)), unit: 'msgs/s', floor: Math.round(median(noRenew.map((x) => x.rate))),
    floorName: `the same, ${NO_RENEW.lease} lease: nothing renewed`, vs: 'ratio',
    note: `${RENEW.concurrency} handlers of ${RENEW.holdMs} ms cap both at ${RENEW.concurrency * 1000 / RENEW.holdMs}/s; spread ${spread(rates, fmtRate)}; redelivered ${renew.reduce((a, x) => a + x.redelivered, 0)} (must be 0); ` +
      `leases granted ${renew[0].leaseMs.join('–')} ms; ≈ ${renewals.toLocaleString('en-US')} lease renewals if renewed every ${RENEW_LEASE_MS / 3} ms`,
  }))
  figures.push(figure({
    section: 'queue',
    name: `daemon CPU, % of a core, while ${RENEW.concurrency.toLocaleString('en-US')} handlers renew their leases (median of ${ROUNDS})`,
    value: mid(renew, 'daemonCpuPct'), unit: '%', floor: mid(noRenew, 'daemonCpuPct'), floorName: 'the same, nothing renewed', vs: 'diff',
    note: `daemon CPU µs/msg ${mid(renew, 'daemonCpuUs').toFixed(0)} against ${mid(noRenew, 'daemonCpuUs').toFixed(0)}: ` +
      `≈ ${extraCpuUs.toFixed(1)} µs per renewal; the SDK agent ${mid(renew, 'workersCpuUs').toFixed(0)} against ${mid(noRenew, 'workersCpuUs').toFixed(0)} µs/msg`,
  }))
  return figures
}
