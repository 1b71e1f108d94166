// Part of section `queue`: a pool of consumer instances addressed by name, as a
// work queue runs (examples/team): one sender, `instances` q-worker instances
// with the given `concurrency` and `leaseTimeout`, each handler holding its
// message `holdMs`. Throughput is `n` over the time from the first send to the
// last handler's end. The bench sees the end in the instances' report files;
// then queue.ls must show nothing of the pool's pending or in flight.
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { FIXTURES, ROOT, cleanupHome, cpuSeconds, now, orch, orchJson, tempHome, waitFor, writeConfig } from './lib.mjs'

const WINDOW = 256
const POLL_MS = 10

const readJson = (file) => JSON.parse(readFileSync(file, 'utf8'))

function logTails(home) {
  const dir = join(home, 'logs')
  if (!existsSync(dir)) return '(no logs)'
  return readdirSync(dir)
    .map((f) => `--- ${f}\n${readFileSync(join(dir, f), 'utf8').split('\n').slice(-8).join('\n')}`)
    .join('\n')
}

/**
 * One run on a fresh ORCH_HOME. Returns the rate, how the messages spread over
 * the instances, redeliveries (must be 0), the lease the daemon granted, and
 * the daemon's CPU over the run (µs per message and % of one core).
 */
export async function poolRun({ n, instances, concurrency, lease, holdMs }) {
  const home = tempHome()
  const dir = join(home, 'q')
  mkdirSync(dir)
  try {
    const agents = [
      {
        name: 'qworker', script: join(FIXTURES, 'q-worker.mjs'), instances, concurrency, leaseTimeout: lease,
        startGrace: '100ms', autorestart: false, env: { Q_DIR: dir, Q_HOLD_MS: String(holdMs) },
      },
      {
        name: 'qsender', script: join(FIXTURES, 'q-sender.mjs'), instances: 1, startGrace: '100ms', autorestart: false,
        env: { Q_N: String(n), Q_TO: 'qworker', Q_WINDOW: String(WINDOW), Q_DIR: dir },
      },
    ]
    await orch(home, ['start', writeConfig(home, agents), '--json'])
    const ready = () => readdirSync(dir).filter((f) => f.startsWith('ready-'))
    await waitFor(`${instances + 1} pool agents ready`, () => ready().length === instances + 1, { timeoutMs: 60_000 })
      .catch((err) => { throw new Error(`${err.message}\n${logTails(home)}`) })
    const ids = ready().map((f) => f.slice('ready-'.length))
    const workerIds = ids.filter((id) => id.startsWith('qworker'))
    const senderId = ids.find((id) => id.startsWith('qsender'))
    const daemonPid = Number(readFileSync(join(home, 'daemon.pid'), 'utf8').trim())
    const agentPids = (await orchJson(home, ['ls'])).filter((a) => a.name === 'qworker').map((a) => a.pid)

    const { DaemonClient } = await import(pathToFileURL(join(ROOT, 'dist', 'src', 'core', 'client', 'daemon-client.js')).href)
    const client = await DaemonClient.connect(join(home, 'orch.sock'), { client: 'cli' })
    try {
      const cpu0 = { daemon: cpuSeconds(daemonPid), workers: agentPids.reduce((a, p) => a + cpuSeconds(p), 0), at: now() }
      await client.call('queue.send', { to: senderId, type: 'go', payload: null })
      const sentFile = join(dir, `sent-${senderId}.json`)
      const files = workerIds.map((id) => join(dir, `worker-${id}.json`))
      const reports = () => files.filter(existsSync).map(readJson)
      await waitFor(`${n} messages handled by the pool`, () => existsSync(sentFile) && reports().reduce((a, r) => a + r.distinct, 0) >= n, {
        timeoutMs: 300_000, intervalMs: POLL_MS,
      }).catch((err) => { throw new Error(`${err.message}\n${logTails(home)}`) })
      const cpu1 = { daemon: cpuSeconds(daemonPid), workers: agentPids.reduce((a, p) => a + cpuSeconds(p), 0), at: now() }
      // every ack answered: nothing of the pool's left in the queue
      await waitFor('the pool\'s acks', async () => {
        const { counts } = await client.call('queue.ls', { agent: 'qworker', limit: 0 })
        return counts.pending === 0 && counts.inFlight === 0
      }, { timeoutMs: 30_000 })
      const got = reports()
      const sent = readJson(sentFile)
      const handled = got.reduce((a, r) => a + r.distinct, 0)
      if (handled !== n || sent.errors > 0) throw new Error(`bench: the pool handled ${handled} of ${n} messages; ${sent.errors} sends failed\n${logTails(home)}`)
      const last = Math.max(...got.map((r) => r.last))
      const wallS = (cpu1.at - cpu0.at) / 1000
      return {
        rate: (n * 1000) / (last - sent.first),
        // an instance that got nothing wrote no report
        perInstance: [...got.map((r) => r.distinct), ...Array(workerIds.length - got.length).fill(0)].sort((a, b) => b - a),
        redelivered: got.reduce((a, r) => a + r.redelivered, 0),
        leaseMs: [Math.min(...got.map((r) => r.leaseMin)), Math.max(...got.map((r) => r.leaseMax))],
        daemonCpuUs: ((cpu1.daemon - cpu0.daemon) * 1e6) / n,
        daemonCpuPct: ((cpu1.daemon - cpu0.daemon) / wallS) * 100,
        workersCpuUs: ((cpu1.workers - cpu0.workers) * 1e6) / n,
      }
    } finally {
      client.close()
    }
  } finally {
    cleanupHome(home)
  }
}
