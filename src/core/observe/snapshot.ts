import { compareNames } from '../compare-names.js'
import type { Monitor } from '../monitor/monitor.js'
import type { MetricsSnapshot } from '../protocol/types.js'
import type { MessageQueue } from '../queue/queue.js'
import type { InstanceView } from '../supervisor/instance.js'
import type { Supervisor } from '../supervisor/supervisor.js'
import type { EventLoopLag } from './event-loop-lag.js'
import type { MessageMetrics } from './message-metrics.js'

/** Samples of CPU and memory a snapshot carries per instance, for `orch monit`'s sparklines. */
export const HISTORY_SAMPLES = 30

export interface SnapshotSources {
  supervisor: Pick<Supervisor, 'all'>
  queue: Pick<MessageQueue, 'instanceLoad' | 'deadCount' | 'stats'>
  monitor: Pick<Monitor, 'daemonUsage'>
  messages: MessageMetrics
  startedAt: number
  lag: () => EventLoopLag
  endpoint: string | null
}

function byNameThenIndex(a: InstanceView, b: InstanceView): number {
  return compareNames(a.record.name, b.record.name) || a.record.index - b.record.index
}

/** One read of everything: O(instances + recipient agents), nothing per message. */
export function takeSnapshot(s: SnapshotSources, now = Date.now()): MetricsSnapshot {
  const instances = s.supervisor.all().sort(byNameThenIndex)
  const agents = instances.map((inst) => {
    const r = inst.record
    const running = r.pid !== null
    const last = inst.usage[inst.usage.length - 1]
    const recent = running ? inst.usage.slice(-HISTORY_SAMPLES) : []
    const { inbox, inFlight } = s.queue.instanceLoad(r.name, r.id)
    return {
      id: r.id,
      name: r.name,
      instance: r.index,
      status: r.status,
      pid: r.pid ?? inst.peerPid ?? null,
      uptime: running && r.startedAt !== null ? now - r.startedAt : 0,
      restarts: r.restarts,
      cpu: running ? (last?.cpu ?? 0) : 0,
      memory: running ? (last?.memory ?? 0) : 0,
      inbox,
      inFlight,
      history: { cpu: recent.map((u) => u.cpu), memory: recent.map((u) => u.memory) },
    }
  })
  // every defined agent has its series from the start, at 0
  const names = new Set(instances.map((i) => i.record.name))
  for (const name of names) s.messages.cells(name)
  const recipients = [...s.messages.agents()]
    .sort(([a], [b]) => compareNames(a, b))
    .map(([agent, c]) => ({
      agent,
      dead: s.queue.deadCount(agent),
      sent: c.sent,
      delivered: c.delivered,
      acked: c.acked,
      nacked: c.nacked,
      deadLettered: c.deadLettered,
      expired: c.expired,
      handlerDuration: { acked: c.handledAcked.data(), nacked: c.handledNacked.data() },
      queueWait: c.wait.data(),
    }))
  const usage = s.monitor.daemonUsage()
  const cpu = process.cpuUsage()
  return {
    at: now,
    endpoint: s.endpoint,
    daemon: {
      pid: process.pid,
      uptime: now - s.startedAt,
      cpu: usage.cpu,
      cpuSeconds: (cpu.user + cpu.system) / 1e6,
      memory: usage.memory,
      heapUsed: process.memoryUsage().heapUsed,
      eventLoopLag: s.lag(),
    },
    queue: s.queue.stats(),
    agents,
    recipients,
  }
}
