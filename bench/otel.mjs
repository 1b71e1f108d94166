// Section `otel`: what exporting every message as OpenTelemetry spans costs.
// The queue's end-to-end run (queue.mjs) with `otlp` pointing at a receiver in
// this process (it counts the spans and answers 200), against the same run
// without: throughput, the daemon's CPU per message and its RSS. Then what
// loading the OpenTelemetry packages costs a process (import time and RSS),
// which only a daemon with `otlp` pays.
import { createServer } from 'node:http'
import { NODE, figure, median, timeRun } from './lib.mjs'
import { endToEnd } from './queue.mjs'

const MESSAGES = 20_000
const ROUNDS = 3
const IMPORT_RUNS = 5

const fmtRate = (r) => `${Math.round(r).toLocaleString('en-US')}/s`
const mibOf = (bytes) => bytes / 1024 / 1024

/** An OTLP/HTTP JSON receiver that counts spans. */
async function receiver() {
  let spans = 0
  const server = createServer((req, res) => {
    const chunks = []
    req.on('data', (c) => chunks.push(c))
    req.on('end', () => {
      try {
        const doc = JSON.parse(Buffer.concat(chunks).toString('utf8'))
        for (const rs of doc.resourceSpans ?? []) for (const ss of rs.scopeSpans ?? []) spans += ss.spans?.length ?? 0
      } catch {}
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end('{}')
    })
  })
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    endpoint: `http://127.0.0.1:${server.address().port}`,
    take() {
      const n = spans
      spans = 0
      return n
    },
    close: () => new Promise((resolve) => server.close(resolve)),
  }
}

/** A child that imports what the daemon's exporter imports, and prints the time and the RSS it added. */
const IMPORT_SCRIPT = `
const r0 = process.memoryUsage().rss
const t0 = performance.now()
await Promise.all(['@opentelemetry/api', '@opentelemetry/sdk-trace-base', '@opentelemetry/exporter-trace-otlp-http', '@opentelemetry/resources'].map((m) => import(m)))
const t1 = performance.now()
console.log(JSON.stringify({ ms: t1 - t0, rss: process.memoryUsage().rss - r0 }))
`

async function importCost() {
  const ms = []
  const rss = []
  for (let i = 0; i < IMPORT_RUNS; i++) {
    const r = await timeRun(NODE, ['--input-type=module', '-e', IMPORT_SCRIPT])
    const out = JSON.parse(r.out.trim().split('\n').at(-1))
    ms.push(out.ms)
    rss.push(mibOf(out.rss))
  }
  return { ms: median(ms), rss: median(rss) }
}

export default async function otel(log) {
  const off = []
  const on = []
  const rx = await receiver()
  try {
    for (let r = 0; r < ROUNDS; r++) {
      const a = await endToEnd({ senders: 1, n: MESSAGES })
      off.push(a)
      rx.take()
      const b = await endToEnd({ senders: 1, n: MESSAGES, extra: { otlp: { endpoint: rx.endpoint } } })
      // the last batch may still be on its way when the home is cleaned: counted as received or not, it is near the end
      b.spans = rx.take()
      on.push(b)
      log(`round ${r + 1}: ${MESSAGES} msgs, otlp off ${fmtRate(a.rate)} (daemon ${a.cpu.daemon.toFixed(0)} µs/msg, RSS ${mibOf(a.daemonRss).toFixed(1)} MiB); ` +
        `on ${fmtRate(b.rate)} (daemon ${b.cpu.daemon.toFixed(0)} µs/msg, RSS ${mibOf(b.daemonRss).toFixed(1)} MiB), ${b.spans} of ${MESSAGES * 3} spans received`)
    }
  } finally {
    await rx.close()
  }
  const imp = await importCost()
  log(`import of the OpenTelemetry packages: ${imp.ms.toFixed(0)} ms, +${imp.rss.toFixed(1)} MiB RSS (median of ${IMPORT_RUNS})`)
  const rateOff = median(off.map((x) => x.rate))
  const rateOn = median(on.map((x) => x.rate))
  return [
    figure({
      section: 'otel', name: `msgs/s stored → delivered → acked with otlp on, 1 sender (${MESSAGES} msgs, median of ${ROUNDS})`,
      value: Math.round(rateOn), unit: 'msgs/s', floor: Math.round(rateOff), floorName: 'the same run with otlp off', vs: 'ratio',
      note: `spans received ${on.map((x) => `${x.spans}/${MESSAGES * 3}`).join(', ')} (3 per message; the batch processor drops what does not fit its queue of 2,048)`,
    }),
    figure({
      section: 'otel', name: 'daemon CPU µs/msg with otlp on', value: Math.round(median(on.map((x) => x.cpu.daemon))), unit: 'µs',
      floor: Math.round(median(off.map((x) => x.cpu.daemon))), floorName: 'otlp off', vs: 'ratio',
    }),
    figure({
      section: 'otel', name: 'daemon RSS after the run with otlp on', value: median(on.map((x) => mibOf(x.daemonRss))), unit: 'MiB',
      floor: median(off.map((x) => mibOf(x.daemonRss))), floorName: 'otlp off', vs: 'diff',
    }),
    figure({ section: 'otel', name: `import of the OpenTelemetry packages (once, only with otlp; median of ${IMPORT_RUNS})`, value: imp.ms, unit: 'ms',
      note: `+${imp.rss.toFixed(1)} MiB RSS` }),
  ]
}
