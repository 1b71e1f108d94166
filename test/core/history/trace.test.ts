import { describe, expect, it } from 'vitest'
import type { HistoryEvent } from '../../../src/core/history/history-event.js'
import { finishedMessages, summarize, traceOf } from '../../../src/core/history/trace.js'

const stored = (t: number, id: string, extra: Partial<HistoryEvent> = {}): HistoryEvent => ({ t, ev: 'stored', id, from: 'a', to: 'b', type: 'x', ...extra })

describe('summarize', () => {
  it('tells the outcome and the times of a message from its events', () => {
    const m = summarize('m', [
      stored(100, 'm'),
      { t: 110, ev: 'delivered', id: 'm', instance: 'b', attempt: 1 },
      { t: 130, ev: 'lost', id: 'm', instance: 'b', error: 'lease expired' },
      { t: 140, ev: 'delivered', id: 'm', instance: 'b', attempt: 2 },
      { t: 150, ev: 'renewed', id: 'm', instance: 'b' },
      { t: 170, ev: 'acked', id: 'm', instance: 'b' },
    ])
    expect(m).toMatchObject({ outcome: 'acked', attempts: 2, queuedAt: 100, deliveredAt: 110, endedAt: 170, waitedMs: 10, handledMs: 30, totalMs: 70, error: 'lease expired', instance: 'b' })
  })

  it('a message dead of its ttl is expired; a dead one replayed is pending again; a failed one waits as retrying', () => {
    expect(summarize('m', [stored(1, 'm'), { t: 5, ev: 'expired', id: 'm' }, { t: 5, ev: 'deadLettered', id: 'm', error: 'expired (ttl)' }]).outcome).toBe('expired')
    const replayed = summarize('m', [stored(1, 'm'), { t: 2, ev: 'deadLettered', id: 'm', error: 'boom' }, { t: 3, ev: 'replayed', id: 'm' }])
    expect(replayed.outcome).toBe('pending')
    expect(replayed.endedAt).toBeUndefined()
    expect(summarize('m', [stored(1, 'm'), { t: 2, ev: 'delivered', id: 'm', attempt: 1 }, { t: 3, ev: 'nacked', id: 'm', error: 'no' }]).outcome).toBe('retrying')
  })
})

describe('traceOf', () => {
  const events: HistoryEvent[] = [
    stored(1, 'root-0000-1'),
    stored(2, 'child-000-1', { parentId: 'root-0000-1', correlationId: 'root-0000-1' }),
    stored(3, 'child-000-2', { parentId: 'root-0000-1', correlationId: 'root-0000-1' }),
    stored(4, 'grand-000-1', { parentId: 'child-000-1', correlationId: 'root-0000-1' }),
    stored(5, 'other-000-1', { correlationId: 'cid-x' }),
  ]

  it('by a message id: it and what it caused; by a correlation id: every message of the trace', () => {
    expect(traceOf(events, 'child-000-1')).toMatchObject({ traceId: 'root-0000-1', messages: [{ id: 'child-000-1' }, { id: 'grand-000-1' }] })
    expect(traceOf(events, 'root-0000-1').messages.map((m) => m.id)).toEqual(['root-0000-1', 'child-000-1', 'child-000-2', 'grand-000-1'])
    expect(traceOf(events, 'cid-x')).toMatchObject({ traceId: 'cid-x', messages: [{ id: 'other-000-1' }] })
  })

  it('takes a prefix of 8+ characters that starts one id; refuses an ambiguous or unknown one', () => {
    expect(traceOf(events, 'grand-00').messages.map((m) => m.id)).toEqual(['grand-000-1'])
    expect(() => traceOf(events, 'child-00')).toThrow(/'child-00' is the start of 2 messages' ids \(child-000-1, child-000-2\)/)
    expect(() => traceOf(events, 'child')).toThrow(/no message nor correlation id 'child'/)
    expect(() => traceOf(events, 'nothing-here')).toThrow(expect.objectContaining({ code: 'E_NOT_IN_HISTORY' }))
  })
})

describe('finishedMessages', () => {
  it('lists acked and dead messages, latest first, by agent name or instance', () => {
    const events: HistoryEvent[] = [
      stored(1, 'a', { to: 'w' }),
      { t: 2, ev: 'delivered', id: 'a', instance: 'w:0', attempt: 1 },
      { t: 9, ev: 'acked', id: 'a', instance: 'w:0' },
      stored(3, 'b', { to: 'w' }),
      { t: 4, ev: 'delivered', id: 'b', instance: 'w:1', attempt: 1 },
      stored(5, 'c', { to: 'v' }),
      { t: 6, ev: 'deadLettered', id: 'c', error: 'boom' },
    ]
    expect(finishedMessages(events, undefined, 10).map((m) => m.id)).toEqual(['a', 'c'])
    expect(finishedMessages(events, 'w', 10).map((m) => m.id)).toEqual(['a'])
    expect(finishedMessages(events, 'w:1', 10)).toEqual([])
    expect(finishedMessages(events, undefined, 1).map((m) => m.id)).toEqual(['a'])
  })
})
