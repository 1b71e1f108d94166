import { describe, expect, it } from 'vitest'
import { Histogram } from '../../../src/core/observe/histogram.js'
import { MessageMetrics } from '../../../src/core/observe/message-metrics.js'
import { isLoopback, parseMetricsEnv } from '../../../src/core/observe/metrics-settings.js'
import { prometheusText } from '../../../src/core/observe/prometheus-text.js'
import type { Message } from '../../../src/core/queue/message.js'
import { TypedEvents, type QueueEvents } from '../../../src/core/queue/queue-events.js'
import type { MetricsSnapshot } from '../../../src/core/protocol/types.js'
import { parsePrometheusText, valueOf } from '../../helpers/prometheus.js'

describe('Histogram', () => {
  it('counts each observation in the first bucket whose bound it does not pass; cumulative counts end with the total', () => {
    const h = new Histogram([0.1, 1, 10])
    for (const s of [0.05, 0.1, 0.5, 2, 100, -1]) h.observe(s)
    expect(h.data()).toEqual({ le: [0.1, 1, 10], cumulative: [3, 4, 5, 6], count: 6, sum: 0.05 + 0.1 + 0.5 + 2 + 100 })
  })
})

describe('MessageMetrics', () => {
  const msg = (over: Partial<Message>): Message =>
    ({ id: 'm1', from: 'cli', to: 'worker', type: 't', priority: 0, payload: null, hops: 0, attempts: 0, createdAt: 1_000, seq: 1, ...over }) as Message

  it('counts by recipient agent (instances and CLI addresses folded), times handlers from delivery and first deliveries from store', () => {
    let now = 1_000
    const events = new TypedEvents<QueueEvents>()
    const m = new MessageMetrics(() => now)
    m.attach(events)
    events.emit('sent', msg({ to: 'worker' }))
    now = 1_500
    events.emit('delivered', msg({}), 'worker:1')
    now = 1_750
    events.emit('acked', msg({}), 'worker:1', 1_500)
    events.emit('sent', msg({ id: 'r', to: 'cli.42-1' }))
    events.emit('sent', msg({ id: 'r2', to: 'cli.43-7' }))
    const cells = Object.fromEntries(m.agents())
    expect(Object.keys(cells).sort()).toEqual(['cli', 'worker'])
    expect(cells.worker).toMatchObject({ sent: 1, delivered: 1, acked: 1, nacked: 0 })
    expect(cells.cli!.sent).toBe(2)
    expect(cells.worker!.wait.data()).toMatchObject({ count: 1, sum: 0.5 })
    expect(cells.worker!.handledAcked.data()).toMatchObject({ count: 1, sum: 0.25 })

    // a redelivery is counted, its handler timed, but it adds no queue wait
    events.emit('delivered', msg({ id: 'm2', attempts: 1 }), 'worker:0')
    now = 2_750
    events.emit('nacked', msg({ id: 'm2', attempts: 1 }), 'worker:0', 'boom', 1_750)
    expect(cells.worker).toMatchObject({ delivered: 2, nacked: 1 })
    expect(cells.worker!.wait.data().count).toBe(1)
    expect(cells.worker!.handledNacked.data()).toMatchObject({ count: 1, sum: 1 })
  })
})

describe('ORCH_METRICS', () => {
  it('takes a port, host:port, [v6]:port or off; says what it takes otherwise', () => {
    expect(parseMetricsEnv(undefined)).toBeUndefined()
    expect(parseMetricsEnv(' ')).toBeUndefined()
    expect(parseMetricsEnv('9464')).toEqual({ host: '127.0.0.1', port: 9464 })
    expect(parseMetricsEnv('0.0.0.0:9100')).toEqual({ host: '0.0.0.0', port: 9100 })
    expect(parseMetricsEnv('[::1]:9464')).toEqual({ host: '::1', port: 9464 })
    expect(parseMetricsEnv('off')).toBeNull()
    expect(parseMetricsEnv('70000')).toEqual({ error: "ORCH_METRICS must be a port such as 9464, host:port such as 127.0.0.1:9464, or 'off'; got '70000'" })
    expect(parseMetricsEnv('yes please')).toHaveProperty('error')
  })

  it('knows loopback addresses', () => {
    expect(['127.0.0.1', '127.1.2.3', 'localhost', '::1', '[::1]'].every(isLoopback)).toBe(true)
    expect(['0.0.0.0', '10.0.0.1', '::', 'example.com'].some(isLoopback)).toBe(false)
  })
})

describe('prometheusText', () => {
  it('escapes label values and writes every family once', () => {
    const h = new Histogram([1]).data()
    const snap: MetricsSnapshot = {
      at: 0,
      endpoint: null,
      daemon: { pid: 1, uptime: 1000, cpu: 1, cpuSeconds: 0.5, memory: 10, heapUsed: 5, eventLoopLag: { mean: 0, p99: 0, max: 0 } },
      queue: { pending: 0, inFlight: 0, dead: 0 },
      agents: [],
      recipients: [{ agent: 'we"ird\\na\nme', dead: 2, sent: 1, delivered: 1, acked: 1, nacked: 0, deadLettered: 0, expired: 0, handlerDuration: { acked: h, nacked: h }, queueWait: h }],
    }
    const text = prometheusText(snap)
    expect(text).toContain('orch_queue_dead_messages{agent="we\\"ird\\\\na\\nme"} 2')
    const parsed = parsePrometheusText(text)
    expect(valueOf(parsed, 'orch_messages_sent_total', { agent: 'we"ird\\na\nme' })).toBe(1)
    expect(valueOf(parsed, 'orch_queue_wait_seconds_bucket', { le: '+Inf' })).toBe(0)
  })
})
