// The CPU cost of the daemon's message metrics: an in-process queue on the memory
// store sends, delivers and acks N messages, with and without MessageMetrics
// listening, rounds interleaved. Run after `npm run build`:
//   node --expose-gc bench/metrics-overhead.mjs [messages] [rounds]
import { MemoryQueueStore, createMemoryStoreData } from '../dist/src/core/queue/memory-store.js'
import { MessageQueue } from '../dist/src/core/queue/queue.js'
import { MessageMetrics } from '../dist/src/core/observe/message-metrics.js'

const N = Number(process.argv[2] ?? 50_000)
const ROUNDS = Number(process.argv[3] ?? 5)

async function round(withMetrics) {
  const queue = await MessageQueue.open({ store: new MemoryQueueStore(createMemoryStoreData()), compactEveryMs: 0 })
  queue.setAgents(new Map([['worker', 1]]))
  if (withMetrics) new MessageMetrics().attach(queue)
  let acked = 0
  let done
  const finished = new Promise((resolve) => (done = resolve))
  queue.attach({
    id: 'worker',
    name: 'worker',
    maxInFlight: 256,
    deliver: (m) => {
      queue.ack('worker', m.id).then(() => {
        if (++acked === N) done()
      })
    },
  })
  // CPU time, not wall time: the machine may be busy with other work, and the cost is CPU
  const start = process.cpuUsage()
  const sends = []
  for (let i = 0; i < N; i++) sends.push(queue.send({ from: 'bench', to: 'worker', type: 'work', payload: { i } }))
  await Promise.all(sends)
  await finished
  const used = process.cpuUsage(start)
  const ms = (used.user + used.system) / 1000
  await queue.close()
  return (N / ms) * 1000
}

const results = { off: [], on: [] }
await round(false)
await round(true)
for (let r = 0; r < ROUNDS; r++) {
  // which goes first alternates, and the heap is collected before each, so neither pays for the other's garbage
  for (const on of r % 2 === 0 ? [false, true] : [true, false]) {
    globalThis.gc?.()
    results[on ? 'on' : 'off'].push(await round(on))
  }
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
const off = median(results.off)
const on = median(results.on)
console.log(JSON.stringify({ messages: N, rounds: ROUNDS, offPerCpuSecond: Math.round(off), onPerCpuSecond: Math.round(on), ratio: Number((on / off).toFixed(3)) }))
