// Section `supervision`: crash-to-restart latency, starting and stopping 50
// agents, and what the daemon costs while 50 agents sit idle. Every figure
// is set against the same work done without orch in the same run.
import { spawn } from 'node:child_process'
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import {
  FIXTURES, NODE, cleanupHome, cpuSeconds, figure, median, mib, ms, orch, orchJson, rssBytes, sleep, tempHome, trackPid,
  untrackPid, waitFor, writeConfig,
} from './lib.mjs'

const RESTARTS = 20
const CRASH_AFTER_MS = 300
const FLEET = 50
const FLEET_REPS = 3
const IDLE_WINDOW_MS = 20_000
const SETTLE_MS = 2_000
const SELF_HEAL_ROUNDS = 3
/** the watchdog's threshold (src/core/daemon/watchdog.ts YOUNG_S), plus a margin */
const YOUNG_DAEMON_MS = 10_500

const readyRe = /^ready (\d+)$/gm

function readText(file) {
  try {
    return readFileSync(file, 'utf8')
  } catch {
    return ''
  }
}

/** Timestamp of the first `ready <ms>` line in a file, or null. */
function firstReady(file) {
  readyRe.lastIndex = 0
  const m = readyRe.exec(readText(file))
  return m ? Number(m[1]) : null
}

/** Polls until every file has a `ready` line; returns the latest of those timestamps. */
async function lastFirstLine(files, what) {
  const seen = new Map()
  await waitFor(what, () => {
    for (const f of files) if (!seen.has(f)) {
      const t = firstReady(f)
      if (t !== null) seen.set(f, t)
    }
    return seen.size === files.length
  }, { intervalMs: 10, timeoutMs: 60_000 })
  return Math.max(...seen.values())
}

/** RssAnon and RssFile of a process (the heap and the like; the pages of the node binary and libraries it touched). */
function rssSplit(pid) {
  const status = readText(`/proc/${pid}/status`)
  const kib = (key) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN)
  return `RssAnon ${(kib('RssAnon') / 1024).toFixed(1)} MiB + RssFile ${(kib('RssFile') / 1024).toFixed(1)} MiB`
}

// ------------------------------------------------------------ floors

/** Spawn to first stdout line of `node -e "console.log(Date.now())"`, by the child's own clock. */
function nodeFirstLine() {
  return new Promise((resolve, reject) => {
    const t0 = Date.now()
    const child = spawn(NODE, ['-e', 'console.log(Date.now())'], { stdio: ['ignore', 'pipe', 'inherit'] })
    let out = ''
    child.stdout.on('data', (d) => (out += d))
    child.once('error', reject)
    child.once('close', (code) => {
      const t = Number(out.trim().split('\n')[0])
      if (code !== 0 || !Number.isFinite(t)) reject(new Error(`bench: floor child failed (exit ${code}): ${out}`))
      else resolve(t - t0)
    })
  })
}

/**
 * What starting and stopping FLEET agents costs without orch: spawn the
 * fixture FLEET times, detached with stdout to a file as orch does, until
 * each has printed its first line; then SIGTERM every group until all exited.
 */
async function directFleet(dir) {
  const t0 = Date.now()
  const kids = []
  for (let i = 0; i < FLEET; i++) {
    const file = join(dir, `direct${i}.out.log`)
    const fd = openSync(file, 'a')
    const child = spawn(NODE, [join(FIXTURES, 'idle-agent.js')], { detached: true, stdio: ['ignore', fd, 'ignore'] })
    closeSync(fd)
    trackPid(child.pid)
    kids.push({ child, file, exited: new Promise((r) => child.once('exit', r)) })
  }
  const last = await lastFirstLine(kids.map((k) => k.file), `${FLEET} directly spawned processes to print`)
  const t1 = Date.now()
  for (const k of kids) process.kill(-k.child.pid, 'SIGTERM')
  await Promise.all(kids.map((k) => k.exited))
  const stopMs = Date.now() - t1
  for (const k of kids) untrackPid(k.child.pid)
  return { startMs: last - t0, stopMs }
}

// ------------------------------------------------------------ orch

/** Crash -> spawn inside orch, from the daemon's log (backoff -> starting transitions); null when the log says nothing usable. */
function respawnLatencies(home, crashes) {
  const spawns = []
  for (const line of readText(join(home, 'daemon.log')).split('\n')) {
    try {
      const e = JSON.parse(line)
      if (e.msg === 'agent state' && e.from === 'backoff' && e.to === 'starting') spawns.push(Date.parse(e.time))
    } catch {
      // not a JSON line
    }
  }
  const out = []
  for (const c of crashes) {
    const s = spawns.find((t) => t >= c)
    if (s !== undefined) out.push(s - c)
  }
  return out.length > 0 ? out : null
}

/** crash -> next `ready` pairs in an agent's log: [{ crashAt, ms }]. */
function crashPairs(file) {
  const out = []
  let crashAt = null
  for (const line of readText(file).split('\n')) {
    const [word, ts] = line.split(' ')
    if (word === 'crash') crashAt = Number(ts)
    else if (word === 'ready' && crashAt !== null) {
      out.push({ crashAt, ms: Number(ts) - crashAt })
      crashAt = null
    }
  }
  return out
}

/**
 * Lets an agent crash RESTARTS + 1 times and, right after each restart
 * (while the agent waits CRASH_AFTER_MS before its next crash), takes one
 * floor sample, so both see the same machine load. The first pair and
 * sample are dropped as warm-up.
 */
async function crashRestarts(log) {
  const home = tempHome()
  try {
    const cfg = writeConfig(home, [{
      name: 'crasher',
      script: join(FIXTURES, 'crash-agent.js'),
      env: { CRASH_AFTER_MS: String(CRASH_AFTER_MS) },
      instances: 1,
      maxRestarts: 1000,
      restartWindow: '1s',
      backoff: { initial: 0, max: 0 },
      startGrace: '100ms',
    }])
    await orch(home, ['start', cfg, '--json'])
    const file = join(home, 'logs', 'crasher.out.log')
    const floor = []
    let pairs = []
    const deadline = Date.now() + (RESTARTS + 5) * (CRASH_AFTER_MS + 1_500)
    while (pairs.length < RESTARTS + 1) {
      if (Date.now() > deadline) throw new Error(`bench: only ${pairs.length} crash→ready pairs in ${file} before the deadline`)
      const got = crashPairs(file)
      if (got.length > pairs.length) floor.push(await nodeFirstLine())
      else await sleep(10)
      pairs = got
    }
    pairs = pairs.slice(1, RESTARTS + 1)
    const [agent] = await orchJson(home, ['ls'])
    const respawn = respawnLatencies(home, pairs.map((p) => p.crashAt))
    log(`crash→ready (ms): ${pairs.map((p) => p.ms).join(' ')}; agent ${agent.status}, ${agent.restarts} restarts`)
    log(`floor, spawn→first line of node -e (ms): ${floor.slice(1, RESTARTS + 1).join(' ')}`)
    if (respawn) log(`crash→respawn inside orch, from daemon.log (ms): ${respawn.join(' ')}`)
    return { restarts: pairs.map((p) => p.ms), floor: floor.slice(1, RESTARTS + 1), respawn }
  } finally {
    cleanupHome(home)
  }
}

/** `ready` timestamps in an agent's log, in order. */
function readyLines(file) {
  return [...readText(file).matchAll(readyRe)].map((m) => Number(m[1]))
}

/**
 * The daemon comes back by itself: kill -9 the daemon, at once kill -9 an
 * agent (plain script, no SDK), and time until that agent prints its first
 * line again, with no orch command typed. Default settings (monitorInterval
 * 1 s, backoff 100 ms), as a user has them. A floor sample is taken each round.
 */
async function selfHeal(log) {
  const home = tempHome()
  try {
    const cfg = writeConfig(home, [{ name: 'victim', script: join(FIXTURES, 'idle-agent.js'), startGrace: '100ms', maxRestarts: 100 }])
    await orch(home, ['start', cfg, '--json'])
    const file = join(home, 'logs', 'victim.out.log')
    const heal = []
    const floor = []
    for (let round = 0; round < SELF_HEAL_ROUNDS; round++) {
      await waitFor('victim online', async () => (await orchJson(home, ['ls']))[0]?.status === 'online', { timeoutMs: 30_000 })
      const [agent] = await orchJson(home, ['ls'])
      // a daemon that dies young is restarted after a growing delay (crash-loop backoff): measure the normal case
      const { uptime } = await orchJson(home, ['daemon', 'status'])
      if (uptime < YOUNG_DAEMON_MS) await sleep(YOUNG_DAEMON_MS - uptime)
      const daemonPid = Number(readText(join(home, 'daemon.pid')))
      const seen = readyLines(file).length
      const t0 = Date.now()
      process.kill(daemonPid, 'SIGKILL')
      process.kill(agent.pid, 'SIGKILL')
      // no orch command until the agent is back: only its log is watched
      await waitFor('the victim running again, no command typed', () => readyLines(file).length > seen, { intervalMs: 5, timeoutMs: 60_000 })
      heal.push(readyLines(file)[seen] - t0)
      floor.push(await nodeFirstLine())
    }
    log(`kill -9 daemon + agent → agent's first line again, no command (ms): ${heal.join(' ')}; floor ${floor.join(' ')}`)
    return { heal, floor }
  } finally {
    cleanupHome(home)
  }
}

/** Starts FLEET idle agents on a running daemon; optionally measures the idle daemon; then `stop all`. */
async function orchFleet(log, measureIdle) {
  const home = tempHome()
  let idler
  try {
    await orch(home, ['ls', '--json']) // start the daemon: this figure is about agents, the cli section covers daemon start
    const names = Array.from({ length: FLEET }, (_, i) => `w${i + 1}`)
    const cfg = writeConfig(home, names.map((name) => ({
      name, script: join(FIXTURES, 'idle-agent.js'), instances: 1, backoff: { initial: 0 }, startGrace: '1s',
    })))
    const t0 = Date.now()
    const { wall: cmdMs } = await orch(home, ['start', cfg, '--json'])
    const last = await lastFirstLine(names.map((n) => join(home, 'logs', `${n}.out.log`)), `${FLEET} orch agents to print`)
    const startMs = last - t0
    await waitFor(`${FLEET} agents online`, async () => {
      const list = await orchJson(home, ['ls'])
      return list.length === FLEET && list.every((a) => a.status === 'online')
    }, { intervalMs: 250 })

    let idle
    if (measureIdle) {
      const { pid: daemonPid } = await orchJson(home, ['daemon', 'status'])
      // Floor: a bare idle node process, measured over the same window.
      idler = spawn(NODE, ['-e', 'setInterval(() => {}, 1 << 30)'], { stdio: 'ignore' })
      trackPid(idler.pid)
      log(`${FLEET} agents online; settling ${SETTLE_MS} ms, then measuring daemon ${daemonPid} for ${IDLE_WINDOW_MS / 1000} s…`)
      await sleep(SETTLE_MS)
      const t1 = performance.now()
      const c0 = cpuSeconds(daemonPid)
      const i0 = cpuSeconds(idler.pid)
      await sleep(IDLE_WINDOW_MS)
      const secs = (performance.now() - t1) / 1000
      idle = {
        cpuPct: ((cpuSeconds(daemonPid) - c0) / secs) * 100,
        rss: rssBytes(daemonPid),
        rssSplit: rssSplit(daemonPid),
        floorCpuPct: ((cpuSeconds(idler.pid) - i0) / secs) * 100,
        floorRss: rssBytes(idler.pid),
      }
      log(`daemon idle: cpu ${idle.cpuPct.toFixed(2)} %, rss ${mib(idle.rss)}; bare node: cpu ${idle.floorCpuPct.toFixed(2)} %, rss ${mib(idle.floorRss)}`)
    }

    const before = await orchJson(home, ['ls'])
    const { wall: stopMs } = await orch(home, ['stop', 'all', '--json'])
    const survivors = before.filter((a) => existsSync(`/proc/${a.pid}`))
    if (survivors.length > 0) throw new Error(`bench: ${survivors.length} agents still alive after \`orch stop all\` returned`)
    // What any command costs with this daemon and 50 (stopped) agents: the CLI's share of `stop all`.
    const { wall: lsMs } = await orch(home, ['ls', '--json'])
    log(`orch start: last first line after ${ms(startMs)} (command returned after ${ms(cmdMs)}); stop all ${ms(stopMs)}; ls right after ${ms(lsMs)}`)
    return { startMs, cmdMs, stopMs, lsMs, idle }
  } finally {
    if (idler) {
      idler.kill('SIGKILL')
      untrackPid(idler.pid)
    }
    cleanupHome(home)
  }
}

export default async function supervision(log) {
  const figures = []

  // Crash -> restart.
  const crash = await crashRestarts(log)
  figures.push(figure({
    section: 'supervision', name: `crash → restarted agent's first line (median of ${RESTARTS})`, value: median(crash.restarts), unit: 'ms',
    floor: median(crash.floor), floorName: 'spawn → first line of `node -e`', vs: 'diff',
    target: ({ cmp }) => cmp <= 50, targetText: '≤ floor + 50 ms', pm2: '≈ floor + 100 ms',
    note: crash.respawn ? `crash → respawn inside orch (daemon.log): ${ms(median(crash.respawn))}` : undefined,
  }))

  // The daemon dies, then an agent crashes: back without a command.
  const healed = await selfHeal(log)
  figures.push(figure({
    section: 'supervision', name: `kill -9 daemon, then an agent crashes → agent's first line again, no command (median of ${SELF_HEAL_ROUNDS})`,
    value: median(healed.heal), unit: 'ms', floor: median(healed.floor), floorName: 'spawn → first line of `node -e`', vs: 'diff',
    target: ({ value }) => value < 2_000, targetText: '< 2 s', pm2: 'never (until a pm2 command)',
    note: 'watchdog restarts the daemon (100 ms delay), which re-adopts and notices the dead agent within one monitorInterval (1 s)',
  }))

  // 50 agents: start, idle, stop; interleaved with the same work done directly.
  const direct = []
  const fleet = []
  for (let rep = 0; rep < FLEET_REPS; rep++) {
    const dir = tempHome()
    try {
      direct.push(await directFleet(dir))
    } finally {
      cleanupHome(dir)
    }
    log(`direct: ${FLEET} processes printed after ${ms(direct.at(-1).startMs)}, SIGTERM→all exited ${ms(direct.at(-1).stopMs)}`)
    fleet.push(await orchFleet(log, rep === 0))
  }
  const idle = fleet[0].idle
  figures.push(figure({
    section: 'supervision', name: `\`orch start\` ${FLEET} agents → every first line (median of ${FLEET_REPS})`, value: median(fleet.map((f) => f.startMs)), unit: 'ms',
    floor: median(direct.map((d) => d.startMs)), floorName: `${FLEET} \`node\` spawned directly`, vs: 'ratio',
    target: ({ value }) => value < 2_000, targetText: '< 2 s', pm2: '6.8 s',
    note: `the \`orch start\` command itself returned after ${ms(median(fleet.map((f) => f.cmdMs)))}`,
  }))
  figures.push(figure({
    section: 'supervision', name: `\`orch stop all\`, ${FLEET} agents (median of ${FLEET_REPS})`, value: median(fleet.map((f) => f.stopMs)), unit: 'ms',
    floor: median(direct.map((d) => d.stopMs)), floorName: `SIGTERM ${FLEET} processes directly, until all exited`, vs: 'diff',
    target: ({ value }) => value < 1_000, targetText: '< 1 s', pm2: '4.0 s',
    note: `an \`orch ls --json\` right after took ${ms(median(fleet.map((f) => f.lsMs)))}: that much is CLI start-up and round trip`,
  }))
  figures.push(figure({
    section: 'supervision', name: `daemon RSS, ${FLEET} agents idle`, value: idle.rss / 1024 / 1024, unit: 'MiB',
    floor: idle.floorRss / 1024 / 1024, floorName: 'bare idle `node`', vs: 'diff',
    target: ({ value }) => value <= 50, targetText: '≤ 50 MiB (issue 13)', pm2: '60 MiB',
    note: idle.rssSplit,
  }))
  figures.push(figure({
    section: 'supervision', name: `daemon CPU, ${FLEET} agents idle over ${IDLE_WINDOW_MS / 1000} s`, value: idle.cpuPct, unit: '%',
    floor: idle.floorCpuPct, floorName: 'bare idle `node`', vs: 'diff',
    target: ({ value }) => value <= 0.3, targetText: '≤ 0.3 % of a core (issue 13)', pm2: '2.7 %',
  }))
  return figures
}
