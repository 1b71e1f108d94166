import { describe, expect, it } from 'vitest'
import { historyLine, storedEvent, type HistoryEvent } from '../../../src/core/history/history-event.js'
import type { Message } from '../../../src/core/queue/message.js'

describe('historyLine', () => {
  const message = (over: Partial<Message>): Message =>
    ({ id: '6f1c0d2e-1111-4222-8333-944445555666', from: 'coordinator', to: 'worker', type: 'task.run', priority: 5, createdAt: 1796200000123, attempts: 0, ...over }) as Message

  it('writes exactly what JSON.stringify writes, for every kind of event', () => {
    const events: HistoryEvent[] = [
      storedEvent(message({})),
      storedEvent(message({ topic: 'news', correlationId: 'c-1', parentId: 'p-1', inReplyTo: 'r-1', priority: -3 })),
      { t: 1, ev: 'delivered', id: 'a', instance: 'worker:2', attempt: 1 },
      { t: 2, ev: 'renewed', id: 'a', instance: 'cli.7' },
      { t: 3, ev: 'acked', id: 'a', instance: 'worker:2' },
      { t: 4, ev: 'nacked', id: 'a', instance: 'worker:2', error: 'boom "quoted"\nnext line\\ and \u0001' },
      { t: 5, ev: 'lost', id: 'a', instance: 'worker:2', error: 'lease ran out' },
      { t: 6, ev: 'expired', id: 'a' },
      { t: 7, ev: 'deadLettered', id: 'a', error: 'line\u2028sep' },
      { t: 8, ev: 'replayed', id: 'a' },
    ]
    for (const e of events) expect(historyLine(e)).toBe(JSON.stringify(e))
    // names a client chose are escaped when they need it
    const odd = storedEvent(message({ type: 'say "hi"', correlationId: 'tab\there', from: 'cli.1' }))
    expect(historyLine(odd)).toBe(JSON.stringify(odd))
    expect(JSON.parse(historyLine(odd))).toEqual(odd)
  })
})

describe('a delivery acked before the next write', () => {
  it('is one line, read back as the delivered and the acked events', async () => {
    const { mkdtempSync } = await import('node:fs')
    const { tmpdir } = await import('node:os')
    const { join } = await import('node:path')
    const { readFileSync } = await import('node:fs')
    const { HistoryLog } = await import('../../../src/core/history/history-log.js')
    const dir = mkdtempSync(join(tmpdir(), 'orch-hl-'))
    const { log } = await HistoryLog.open(join(dir, 'history.log'), { enabled: true, maxEvents: 1000, maxAgeMs: 3_600_000 }, (err) => {
      throw err
    })
    const T = Date.now()
    log.add({ t: T + 10, ev: 'delivered', id: 'a', instance: 'w:0', attempt: 1 })
    log.add({ t: T + 11, ev: 'delivered', id: 'b', instance: 'w:1', attempt: 1 })
    log.add({ t: T + 12, ev: 'acked', id: 'a', instance: 'w:0' })
    // b is renewed before its ack: its delivery is written first, as it is
    log.add({ t: T + 13, ev: 'renewed', id: 'b', instance: 'w:1' })
    log.add({ t: T + 14, ev: 'delivered', id: 'c', instance: 'w:0', attempt: 2 })
    const events = await log.read()
    await log.close()
    const lines = readFileSync(join(dir, 'history.log'), 'utf8').trim().split('\n')
    expect(lines).toEqual([
      `{"t":${T + 12},"ev":"acked","id":"a","instance":"w:0","attempt":1,"deliveredAt":${T + 10}}`,
      `{"t":${T + 11},"ev":"delivered","id":"b","instance":"w:1","attempt":1}`,
      `{"t":${T + 13},"ev":"renewed","id":"b","instance":"w:1"}`,
      `{"t":${T + 14},"ev":"delivered","id":"c","instance":"w:0","attempt":2}`,
    ])
    expect(events).toEqual([
      { t: T + 10, ev: 'delivered', id: 'a', instance: 'w:0', attempt: 1 },
      { t: T + 12, ev: 'acked', id: 'a', instance: 'w:0' },
      { t: T + 11, ev: 'delivered', id: 'b', instance: 'w:1', attempt: 1 },
      { t: T + 13, ev: 'renewed', id: 'b', instance: 'w:1' },
      { t: T + 14, ev: 'delivered', id: 'c', instance: 'w:0', attempt: 2 },
    ])
  })
})
