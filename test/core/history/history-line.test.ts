import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { historyLine, storedEvent, type HistoryEvent } from '../../../src/core/history/history-event.js'
import { HISTORY_FLUSH_MS, HistoryLog } from '../../../src/core/history/history-log.js'
import type { Message } from '../../../src/core/queue/message.js'

/** A history log in a fresh folder, failing the test on any write error. */
async function openLog(maxEvents = 1000, now?: () => number, file = join(mkdtempSync(join(tmpdir(), 'orch-hl-')), 'history.log')) {
  const { log } = await HistoryLog.open(file, { enabled: true, maxEvents, maxAgeMs: 3_600_000 }, (err) => {
    throw err
  }, now)
  return { log, file }
}

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
    const { log, file } = await openLog()
    const T = Date.now()
    log.add({ t: T + 10, ev: 'delivered', id: 'a', instance: 'w:0', attempt: 1 })
    log.add({ t: T + 11, ev: 'delivered', id: 'b', instance: 'w:1', attempt: 1 })
    log.add({ t: T + 12, ev: 'acked', id: 'a', instance: 'w:0' })
    // b is renewed before its ack: its delivery is written first, as it is
    log.add({ t: T + 13, ev: 'renewed', id: 'b', instance: 'w:1' })
    log.add({ t: T + 14, ev: 'delivered', id: 'c', instance: 'w:0', attempt: 2 })
    const events = await log.read()
    await log.close()
    const lines = readFileSync(file, 'utf8').trim().split('\n')
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

describe('a message stored, delivered and acked before the next write', () => {
  it('is one line, read back as its three events; one acked later is two lines; any other event writes what is held first', async () => {
    const { log, file } = await openLog()
    const T = Date.now()
    const stored = (id: string, t: number): HistoryEvent => ({ t, ev: 'stored', id, from: 'c', to: 'w', type: 'job', priority: 0, correlationId: 'k' })
    log.add(stored('a', T))
    log.add(stored('b', T + 1))
    log.add(stored('c', T + 2))
    log.add({ t: T + 3, ev: 'delivered', id: 'a', instance: 'w:0', attempt: 1 })
    log.add({ t: T + 4, ev: 'delivered', id: 'b', instance: 'w:1', attempt: 1 })
    log.add({ t: T + 5, ev: 'acked', id: 'a', instance: 'w:0' })
    // c is nacked without a delivery we saw: its stored line comes first
    log.add({ t: T + 6, ev: 'nacked', id: 'c', instance: 'w:0', error: 'no' })
    await log.flush()
    // b's ack comes after the write
    log.add({ t: T + 7, ev: 'acked', id: 'b', instance: 'w:1' })
    const events = await log.read()
    await log.close()
    const lines = readFileSync(file, 'utf8').trim().split('\n')
    const s = (id: string, t: number) => `{"t":${t},"ev":"stored","id":"${id}","from":"c","to":"w","type":"job","priority":0,"correlationId":"k"`
    expect(lines).toEqual([
      `${s('a', T)},"instance":"w:0","attempt":1,"deliveredAt":${T + 3},"ackedAt":${T + 5}}`,
      `${s('c', T + 2)}}`,
      `{"t":${T + 6},"ev":"nacked","id":"c","instance":"w:0","error":"no"}`,
      `${s('b', T + 1)},"instance":"w:1","attempt":1,"deliveredAt":${T + 4}}`,
      `{"t":${T + 7},"ev":"acked","id":"b","instance":"w:1"}`,
    ])
    expect(events).toEqual([
      stored('a', T),
      { t: T + 3, ev: 'delivered', id: 'a', instance: 'w:0', attempt: 1 },
      { t: T + 5, ev: 'acked', id: 'a', instance: 'w:0' },
      stored('c', T + 2),
      { t: T + 6, ev: 'nacked', id: 'c', instance: 'w:0', error: 'no' },
      stored('b', T + 1),
      { t: T + 4, ev: 'delivered', id: 'b', instance: 'w:1', attempt: 1 },
      { t: T + 7, ev: 'acked', id: 'b', instance: 'w:1' },
    ])
  })
})

describe('the bound', () => {
  it('counts events, not lines: a folded line is three of them', async () => {
    const { log, file } = await openLog(30)
    const T = Date.now()
    // 40 messages, each stored, delivered and acked before the next write: 40 lines, 120 events
    for (let i = 0; i < 40; i++) {
      const id = `m${String(i).padStart(2, '0')}`
      log.add({ t: T + i, ev: 'stored', id, from: 'a', to: 'b', type: 't', priority: 0 })
      log.add({ t: T + i, ev: 'delivered', id, instance: 'b', attempt: 1 })
      log.add({ t: T + i, ev: 'acked', id, instance: 'b' })
      await log.flush()
    }
    const events = await log.read()
    await log.close()
    expect(events).toHaveLength(30)
    expect(events.at(-1)).toMatchObject({ id: 'm39', ev: 'acked' })
    // rotated by events: at 30 events (10 folded lines), not at 30 lines
    const lines = (f: string) => readFileSync(f, 'utf8').split('\n').filter(Boolean)
    expect(lines(`${file}.1`)).toHaveLength(10)
    expect(lines(`${file}.1`).at(-1)).toContain('"m39"')
    expect(lines(file)).toHaveLength(0)
    // a new log counts the events of the file it opens
    const again = await openLog(30, undefined, file)
    expect((await again.log.read()).length).toBe(30)
    await again.log.close()
  })
})

describe('eventsInLine', () => {
  it('counts a line by its last field, as the writer puts deliveredAt and ackedAt last', async () => {
    const { eventsInLine, eventsOfLine } = await import('../../../src/core/history/history-event.js')
    const lines = [
      '{"t":1,"ev":"stored","id":"a","from":"c","to":"w","type":"deliveredAt","priority":0}',
      '{"t":1,"ev":"stored","id":"a","from":"c","to":"w","type":"j","priority":0,"instance":"w","attempt":1,"deliveredAt":12}',
      '{"t":1,"ev":"stored","id":"a","from":"c","to":"w","type":"j","priority":0,"instance":"w","attempt":1,"deliveredAt":12,"ackedAt":13}',
      '{"t":5,"ev":"acked","id":"a","instance":"w","attempt":1,"deliveredAt":4}',
      '{"t":5,"ev":"nacked","id":"a","instance":"w","error":"x \\"ackedAt\\":3}"}',
      'garbage',
      '',
    ]
    for (const line of lines) {
      const buf = Buffer.from(`xx${line}\nyy`)
      expect(eventsInLine(buf, 2, 2 + Buffer.byteLength(line)), line).toBe(Math.max(1, eventsOfLine(line).length))
    }
  })
})

describe('storedHead', () => {
  it("is historyLine(storedEvent(m)) without its brace, for every optional field", async () => {
    const { storedHead } = await import('../../../src/core/history/open-events.js')
    const base = { id: 'i-1', from: 'cli.2', to: 'worker', type: 'say "hi"', priority: -2, createdAt: 1796200000123, attempts: 0, seq: 1, hops: 0, payload: null } as Message
    for (const m of [base, { ...base, topic: 'news', correlationId: 'c\t1', parentId: 'p', inReplyTo: 'r' }]) {
      expect(`${storedHead(m)}}`).toBe(historyLine(storedEvent(m)))
    }
  })
})

describe("the timer's write", () => {
  it('keeps a message stored within the last interval for the next one, so its ack still folds into its line', async () => {
    let clock = Date.now()
    const T = clock
    const { log, file } = await openLog(1000, () => clock)
    const stored = (id: string, t: number): HistoryEvent => ({ t, ev: 'stored', id, from: 'c', to: 'w', type: 'job', priority: 0 })
    log.add(stored('old', T - HISTORY_FLUSH_MS - 1))
    log.add(stored('young', T - 1))
    log.add({ t: T, ev: 'delivered', id: 'young', instance: 'w', attempt: 1 })
    await log.flush(true)
    const written = () => readFileSync(file, 'utf8').trim().split('\n').filter(Boolean)
    // the old one is written; the young one waits
    expect(written()).toEqual([`{"t":${T - HISTORY_FLUSH_MS - 1},"ev":"stored","id":"old","from":"c","to":"w","type":"job","priority":0}`])
    clock += 20
    log.add({ t: clock, ev: 'acked', id: 'young', instance: 'w' })
    await log.flush(true)
    expect(written()[1]).toBe(`{"t":${T - 1},"ev":"stored","id":"young","from":"c","to":"w","type":"job","priority":0,"instance":"w","attempt":1,"deliveredAt":${T},"ackedAt":${T + 20}}`)
    // a graceful close writes whatever is held, young or not
    log.add(stored('last', clock))
    await log.close()
    expect(written()).toHaveLength(3)
  })
})
