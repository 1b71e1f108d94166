import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { MessageSpans } from '../../../src/core/otel/message-spans.js'
import type { SpanRecord } from '../../../src/core/otel/span-record.js'
import { spanIdOf, traceIdOf } from '../../../src/core/otel/trace-ids.js'
import { tracesUrl } from '../../../src/core/otel/otlp-settings.js'
import type { MessageQueue } from '../../../src/core/queue/queue.js'
import { QueueHarness, recipient, STORE_KINDS } from '../queue/helpers.js'

const CORR = '0f8fad5b-d9cb-469f-a165-70867728950e'

describe('trace and span ids', () => {
  it('takes a UUID correlation id as the trace id without its dashes, and hashes any other', () => {
    expect(traceIdOf(CORR)).toBe('0f8fad5bd9cb469fa16570867728950e')
    expect(traceIdOf('order-42')).toMatch(/^[0-9a-f]{32}$/)
    expect(traceIdOf('order-42')).toBe(traceIdOf('order-42'))
    expect(traceIdOf('order-43')).not.toBe(traceIdOf('order-42'))
    expect(traceIdOf('00000000-0000-0000-0000-000000000000')).not.toMatch(/^0+$/)
  })

  it('derives 8-byte span ids from the message id, one per part', () => {
    expect(spanIdOf('m1')).toMatch(/^[0-9a-f]{16}$/)
    expect(spanIdOf('m1')).toBe(spanIdOf('m1'))
    expect(new Set([spanIdOf('m1'), spanIdOf('m2'), spanIdOf('m1', 'wait/0'), spanIdOf('m1', 'handle/1')]).size).toBe(4)
  })

  it('sends spans to the endpoint’s /v1/traces, unless it names it already', () => {
    expect(tracesUrl('http://127.0.0.1:4318')).toBe('http://127.0.0.1:4318/v1/traces')
    expect(tracesUrl('https://cloud.langfuse.com/api/public/otel/')).toBe('https://cloud.langfuse.com/api/public/otel/v1/traces')
    expect(tracesUrl('http://tempo:4318/v1/traces')).toBe('http://tempo:4318/v1/traces')
  })
})

describe.each(STORE_KINDS)('MessageSpans over a real queue: $name store', (kind) => {
  let h: QueueHarness
  let clock: number
  let spans: SpanRecord[]
  let q: MessageQueue
  let detach: () => void

  beforeEach(async () => {
    h = await QueueHarness.create(kind)
    clock = 10_000
    spans = []
    q = await h.open({ now: () => clock })
    detach = new MessageSpans((s) => spans.push(s), () => clock).attach(q)
  })
  afterEach(async () => {
    await h.cleanup()
  })

  const named = (name: string) => spans.filter((s) => s.name === name)

  it('gives a message a span from stored to acked, with queue wait and handling as children', async () => {
    const [m] = await q.send({ from: 'alice', to: 'bob', type: 'task', correlationId: CORR, priority: 3 })
    clock += 40
    const bob = recipient('bob')
    q.attach(bob)
    clock += 60
    await q.ack('bob', m!.id)
    const [wait] = named('queue wait')
    const [handle] = named('handle task')
    const [message] = named('task → bob')
    const traceId = '0f8fad5bd9cb469fa16570867728950e'
    expect(message).toMatchObject({ traceId, spanId: spanIdOf(m!.id), kind: 'producer', start: 10_000, end: 10_100 })
    expect(message!.parentSpanId).toBeUndefined()
    expect(message!.attributes).toMatchObject({ 'orch.outcome': 'acked', 'orch.priority': 3, 'orch.sender': 'alice', 'orch.agent': 'bob', 'orch.attempts': 0 })
    expect(wait).toMatchObject({ traceId, parentSpanId: message!.spanId, start: 10_000, end: 10_040 })
    expect(handle).toMatchObject({ traceId, parentSpanId: message!.spanId, kind: 'consumer', start: 10_040, end: 10_100 })
    expect(handle!.attributes).toMatchObject({ 'orch.outcome': 'acked', 'orch.attempt': 1 })
  })

  it('ends a handling whose recipient went away as lost, when the message is delivered again', async () => {
    const [m] = await q.send({ from: 'alice', to: 'bob', type: 'task' })
    q.attach(recipient('bob'))
    clock += 10
    q.detach('bob', 'agent exited')
    clock += 10
    q.attach(recipient('bob'))
    clock += 10
    await q.ack('bob', m!.id)
    const handles = named('handle task')
    expect(handles.map((s) => [s.attributes['orch.attempt'], s.attributes['orch.outcome']])).toEqual([
      [1, 'lost'],
      [2, 'acked'],
    ])
    expect(handles[0]!.error).toMatch(/recipient 'bob' went away: agent exited/)
    expect(named('queue wait')).toHaveLength(2)
    expect(named('task → bob')[0]!.attributes['orch.attempts']).toBe(1)
    // no correlation id: the message's own trace
    expect(named('task → bob')[0]!.traceId).toBe(traceIdOf(m!.id))
  })

  it('links a reply to the request it answers; a parent in another conversation is named only', async () => {
    const [req] = await q.send({ from: 'alice', to: 'bob', type: 'ask', correlationId: CORR })
    q.attach(recipient('bob'))
    q.attach(recipient('alice'))
    const [reply] = await q.send({ from: 'bob', to: 'alice', type: 'ask.reply', correlationId: CORR, inReplyTo: req!.id })
    const [other] = await q.send({ from: 'bob', to: 'alice', type: 'note', correlationId: 'another', inReplyTo: req!.id })
    await q.ack('alice', reply!.id)
    await q.ack('alice', other!.id)
    await q.ack('bob', req!.id)
    const replySpan = named('ask.reply → alice')[0]!
    expect(replySpan).toMatchObject({ traceId: traceIdOf(CORR), parentSpanId: spanIdOf(req!.id) })
    const otherSpan = named('note → alice')[0]!
    expect(otherSpan.traceId).toBe(traceIdOf('another'))
    expect(otherSpan.parentSpanId).toBeUndefined()
    expect(otherSpan.attributes['orch.parent_id']).toBe(req!.id)
  })

  it('gives a dead letter its outcome and reason, and listens no more once detached', async () => {
    const dq = await h.open({ now: () => clock, maxAttempts: 2 })
    const dead: SpanRecord[] = []
    const off = new MessageSpans((s) => dead.push(s), () => clock).attach(dq)
    const [m] = await dq.send({ from: 'alice', to: 'bob', type: 'job' })
    dq.attach(recipient('bob'))
    await dq.nack('bob', m!.id, 'boom 0')
    await dq.nack('bob', m!.id, 'boom 1')
    const message = dead.find((s) => s.name === 'job → bob')!
    expect(message.attributes).toMatchObject({ 'orch.outcome': 'dead', 'orch.attempts': 2 })
    expect(message.error).toBe('boom 1')
    expect(dead.filter((s) => s.name === 'handle job').map((s) => [s.attributes['orch.outcome'], s.error])).toEqual([
      ['nacked', 'boom 0'],
      ['nacked', 'boom 1'],
    ])
    // replayed, it gets a span of its own under the first one
    await dq.replay(m!.id)
    await dq.ack('bob', m!.id)
    const again = dead.filter((s) => s.name === 'job → bob').at(-1)!
    expect(again).toMatchObject({ parentSpanId: message.spanId, traceId: message.traceId })
    expect(again.spanId).not.toBe(message.spanId)
    expect(again.attributes).toMatchObject({ 'orch.outcome': 'acked', 'orch.replay': 1, 'orch.attempts': 0 })
    off()
    detach()
    const before = dead.length
    await dq.send({ from: 'alice', to: 'bob', type: 'job' })
    expect(dead).toHaveLength(before)
  })
})
