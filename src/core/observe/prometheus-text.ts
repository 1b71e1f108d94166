import { AGENT_STATUSES, type MetricsHistogram, type MetricsSnapshot } from '../protocol/types.js'

/** The Content-Type of Prometheus' text exposition format. */
export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8'

type Labels = Record<string, string>
type Kind = 'counter' | 'gauge' | 'histogram'

/** Label values escape backslash, double quote and newline (exposition format 0.0.4). */
function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')
}

function formatValue(n: number): string {
  if (Number.isNaN(n)) return 'NaN'
  if (n === Infinity) return '+Inf'
  if (n === -Infinity) return '-Inf'
  return String(n)
}

/** `{k="v",…}` without the braces: built once per series, then reused for its samples. */
function labelText(labels: Labels): string {
  let text = ''
  for (const k in labels) text += `${text === '' ? '' : ','}${k}="${escapeLabel(labels[k]!)}"`
  return text
}

type Sample = (labels: Labels, value: number) => void

/** Writes metric families one after the other: HELP and TYPE once, then every sample of the family. */
class Exposition {
  private readonly chunks: string[] = []

  family(name: string, kind: Kind, help: string, write: (sample: Sample, histogram: (labels: Labels, h: MetricsHistogram) => void) => void): void {
    this.chunks.push(`# HELP ${name} ${help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')}\n# TYPE ${name} ${kind}\n`)
    const line = (suffix: string, labels: string, value: number) => {
      this.chunks.push(`${name}${suffix}${labels === '' ? '' : `{${labels}}`} ${formatValue(value)}\n`)
    }
    write(
      (labels, value) => line('', labelText(labels), value),
      (labels, h) => {
        const base = labelText(labels)
        const sep = base === '' ? '' : ','
        for (let i = 0; i < h.le.length; i++) line('_bucket', `${base}${sep}le="${formatValue(h.le[i]!)}"`, h.cumulative[i]!)
        line('_bucket', `${base}${sep}le="+Inf"`, h.count)
        line('_sum', base, h.sum)
        line('_count', base, h.count)
      },
    )
  }

  text(): string {
    return this.chunks.join('')
  }
}

/**
 * A snapshot in Prometheus' text format. Instances are labelled `agent` (the
 * name) and `agent_id` (the instance id): Prometheus sets `instance` itself
 * (the scraped target), so that name would be renamed on the way in.
 */
export function prometheusText(s: MetricsSnapshot): string {
  const out = new Exposition()
  const per = (a: MetricsSnapshot['agents'][number]): Labels => ({ agent: a.name, agent_id: a.id })

  out.family('orch_agent_status', 'gauge', 'Current status of each agent instance: 1 for its status, 0 for the others.', (sample) => {
    for (const a of s.agents) for (const st of AGENT_STATUSES) sample({ ...per(a), status: st }, a.status === st ? 1 : 0)
  })
  out.family('orch_agent_up', 'gauge', 'Whether the agent instance is online (1) or not (0).', (sample) => {
    for (const a of s.agents) sample(per(a), a.status === 'online' ? 1 : 0)
  })
  out.family('orch_agent_restarts_total', 'counter', 'Restarts of the agent instance (crashes, memory limit, watch, user restarts).', (sample) => {
    for (const a of s.agents) sample(per(a), a.restarts)
  })
  out.family('orch_agent_cpu_ratio', 'gauge', 'CPU used by the agent process, as a fraction of one core (latest sample).', (sample) => {
    for (const a of s.agents) sample(per(a), a.cpu / 100)
  })
  out.family('orch_agent_memory_bytes', 'gauge', 'Resident memory (RSS) of the agent process (latest sample).', (sample) => {
    for (const a of s.agents) sample(per(a), a.memory)
  })
  out.family('orch_agent_uptime_seconds', 'gauge', 'Time since the agent process started; 0 when not running.', (sample) => {
    for (const a of s.agents) sample(per(a), a.uptime / 1000)
  })
  out.family('orch_agent_pending_messages', 'gauge', "Messages waiting for the instance: its own plus its share of those sent to its agent's name.", (sample) => {
    for (const a of s.agents) sample(per(a), a.inbox)
  })
  out.family('orch_agent_in_flight_messages', 'gauge', 'Messages delivered to the instance and not yet acked or nacked.', (sample) => {
    for (const a of s.agents) sample(per(a), a.inFlight)
  })
  out.family('orch_queue_dead_messages', 'gauge', 'Dead letters now, by recipient agent.', (sample) => {
    for (const r of s.recipients) sample({ agent: r.agent }, r.dead)
  })
  out.family('orch_queue_messages', 'gauge', 'Messages in the queue now, by state.', (sample) => {
    sample({ state: 'pending' }, s.queue.pending)
    sample({ state: 'in_flight' }, s.queue.inFlight)
    sample({ state: 'dead' }, s.queue.dead)
  })
  const counters = [
    ['sent', 'Messages stored for the recipient agent (one per topic copy).'],
    ['delivered', 'Deliveries to the recipient agent, redeliveries included.'],
    ['acked', 'Messages the recipient agent acked.'],
    ['nacked', 'Messages the recipient agent nacked (its handler failed).'],
    ['dead_lettered', 'Messages for the recipient agent that went to the dead-letter list.'],
    ['expired', 'Messages for the recipient agent whose ttl passed before delivery.'],
  ] as const
  for (const [name, help] of counters) {
    const field = name === 'dead_lettered' ? 'deadLettered' : name
    out.family(`orch_messages_${name}_total`, 'counter', help, (sample) => {
      for (const r of s.recipients) sample({ agent: r.agent }, r[field])
    })
  }
  out.family('orch_handler_duration_seconds', 'histogram', 'Time from delivery to ack or nack, by recipient agent and outcome.', (_sample, histogram) => {
    for (const r of s.recipients) {
      histogram({ agent: r.agent, outcome: 'acked' }, r.handlerDuration.acked)
      histogram({ agent: r.agent, outcome: 'nacked' }, r.handlerDuration.nacked)
    }
  })
  out.family('orch_queue_wait_seconds', 'histogram', 'Time from store (or the end of its delay) to first delivery, by recipient agent.', (_sample, histogram) => {
    for (const r of s.recipients) histogram({ agent: r.agent }, r.queueWait)
  })
  const d = s.daemon
  out.family('orch_daemon_cpu_seconds_total', 'counter', 'User and system CPU time of the daemon.', (sample) => sample({}, d.cpuSeconds))
  out.family('orch_daemon_resident_memory_bytes', 'gauge', 'Resident memory (RSS) of the daemon.', (sample) => sample({}, d.memory))
  out.family('orch_daemon_heap_used_bytes', 'gauge', 'V8 heap used by the daemon.', (sample) => sample({}, d.heapUsed))
  out.family('orch_daemon_uptime_seconds', 'gauge', 'Time since the daemon started.', (sample) => sample({}, d.uptime / 1000))
  out.family('orch_daemon_event_loop_lag_seconds', 'gauge', "Mean delay of the daemon's event loop over the last 10 s.", (sample) => sample({}, d.eventLoopLag.mean))
  out.family('orch_daemon_event_loop_lag_p99_seconds', 'gauge', "99th percentile delay of the daemon's event loop over the last 10 s.", (sample) => sample({}, d.eventLoopLag.p99))
  out.family('orch_daemon_event_loop_lag_max_seconds', 'gauge', "Longest delay of the daemon's event loop over the last 10 s.", (sample) => sample({}, d.eventLoopLag.max))
  return out.text()
}
