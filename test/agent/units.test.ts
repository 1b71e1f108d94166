// The SDK's pieces without a daemon: logger, ack batching, lease renewal, progress coalescing, request bookkeeping, connect() outside orch.
import { afterEach, describe, expect, it, vi } from 'vitest'
import { AckBatcher } from '../../src/agent/acks.js'
import { LeaseKeeper } from '../../src/agent/leases.js'
import { ProgressReporter } from '../../src/agent/progress.js'
import { connect, Logger, NotAnAgentError } from '../../src/agent/index.js'
import { runHandling } from '../../src/agent/context.js'
import { PendingRequests } from '../../src/agent/requests.js'
import type { AgentMessage } from '../../src/agent/types.js'

const msg = (over: Partial<AgentMessage> = {}): AgentMessage => ({
  id: 'm1', from: 'a', to: 'b', type: 't', priority: 0, payload: null, hops: 0, attempts: 0, createdAt: 0, ...over,
})

describe('Logger', () => {
  it("writes JSON lines with the handled message's correlationId and id, only inside the handler", async () => {
    const lines: string[] = []
    const log = new Logger('worker:1', 'info', (l) => lines.push(l))
    log.info('outside', { n: 1 })
    await runHandling(msg({ id: 'm7', correlationId: 'c7' }), async () => {
      await Promise.resolve()
      log.warn('inside', { err: Object.assign(new Error('bad'), { code: 'E_X' }) })
    })
    log.debug('hidden')
    const parsed = lines.map((l) => JSON.parse(l) as Record<string, unknown>)
    expect(lines.every((l) => l.endsWith('\n'))).toBe(true)
    expect(parsed).toEqual([
      { time: expect.any(String), level: 'info', agent: 'worker:1', msg: 'outside', n: 1 },
      { time: expect.any(String), level: 'warn', agent: 'worker:1', correlationId: 'c7', messageId: 'm7', msg: 'inside', err: { name: 'Error', message: 'bad', code: 'E_X' } },
    ])
  })

  it('survives a circular field', () => {
    const lines: string[] = []
    const circular: Record<string, unknown> = {}
    circular.self = circular
    new Logger('a', 'info', (l) => lines.push(l)).info('loop', { circular })
    expect(JSON.parse(lines[0]!)).toMatchObject({ msg: 'loop', logError: expect.stringMatching(/circular/i) })
  })
})

describe('AckBatcher', () => {
  it('sends the acks of one tick in one batch, and splits batches by connection epoch', async () => {
    const batches: Array<[number, string[]]> = []
    const acks = new AckBatcher(async (epoch, ids) => {
      batches.push([epoch, ids])
    })
    acks.add('a', 1)
    acks.add('b', 1)
    await Promise.resolve()
    acks.add('c', 1)
    acks.add('d', 2)
    expect(batches).toEqual([[1, ['a', 'b', 'c']]])
    await acks.drain()
    expect(batches).toEqual([[1, ['a', 'b', 'c']], [2, ['d']]])
  })
})

describe('PendingRequests', () => {
  it('settles on a reply, not on the request itself (a request to oneself); a second or late reply is late', async () => {
    const reqs = new PendingRequests()
    const { correlationId, reply } = reqs.open('ask', 10_000, () => new Error('timeout'))
    expect(reqs.match(msg({ type: 'ask', correlationId }))).toBe('none')
    expect(reqs.match(msg({ type: 'ask.reply', correlationId, payload: 42 }))).toBe('settled')
    await expect(reply).resolves.toMatchObject({ payload: 42 })
    expect(reqs.match(msg({ type: 'ask.reply', correlationId, payload: 43 }))).toBe('late')
    // the request itself, redelivered to its sender after the answer, is still not a reply
    expect(reqs.match(msg({ type: 'ask', correlationId }))).toBe('none')

    const late = reqs.open('ask', 1, (id) => new Error(`timeout ${id}`))
    await expect(late.reply).rejects.toThrow(`timeout ${late.correlationId}`)
    expect(reqs.match(msg({ type: 'ask.reply', correlationId: late.correlationId }))).toBe('late')
    expect(reqs.match(msg({ type: 'ask.reply', correlationId: 'never-asked' }))).toBe('none')
  })

  it('matches a reply by inReplyTo (the request message id) when its correlationId does not', async () => {
    const reqs = new PendingRequests()
    const { correlationId, reply } = reqs.open('ask', 10_000, () => new Error('timeout'))
    reqs.sent(correlationId, 'request-id')
    expect(reqs.match(msg({ type: 'ask.reply', inReplyTo: 'other-id' }))).toBe('none')
    expect(reqs.match(msg({ type: 'ask.reply', inReplyTo: 'request-id', payload: 1 }))).toBe('settled')
    await expect(reply).resolves.toMatchObject({ payload: 1 })
  })

  it('a request inside a handler shares the trace id: only inReplyTo matches its reply, and a reply before its id is known waits', async () => {
    const reqs = new PendingRequests()
    const a = reqs.open('ask', 10_000, () => new Error('timeout'), 'trace-1')
    const b = reqs.open('ask', 10_000, () => new Error('timeout'), 'trace-1')
    expect(a.correlationId).toBe('trace-1')
    expect(b.correlationId).toBe('trace-1')
    expect(a.key).not.toBe(b.key)
    // another message of the same trace is no reply of either
    expect(reqs.match(msg({ type: 'task', correlationId: 'trace-1' }))).toBe('none')
    expect(reqs.match(msg({ type: 'ask.reply', correlationId: 'trace-1' }))).toBe('none')
    expect(reqs.awaitingIds).toBe(true)
    let identified = false
    const waiting = reqs.whenIdentified().then(() => {
      identified = true
    })
    reqs.sent(a.key, 'id-a')
    await Promise.resolve()
    expect(identified).toBe(false)
    reqs.sent(b.key, 'id-b')
    await waiting
    expect(reqs.awaitingIds).toBe(false)
    expect(reqs.match(msg({ type: 'ask.reply', correlationId: 'trace-1', inReplyTo: 'id-b', payload: 'b' }))).toBe('settled')
    await expect(b.reply).resolves.toMatchObject({ payload: 'b' })
    expect(reqs.match(msg({ type: 'ask.reply', correlationId: 'trace-1', inReplyTo: 'id-b' }))).toBe('late')
    expect(reqs.match(msg({ type: 'ask.reply', correlationId: 'trace-1', inReplyTo: 'id-a', payload: 'a' }))).toBe('settled')
    await expect(a.reply).resolves.toMatchObject({ payload: 'a' })
  })

  it('a reply promise that times out before anyone awaits it is not an unhandled rejection', async () => {
    const unhandled: unknown[] = []
    const onUnhandled = (reason: unknown): void => {
      unhandled.push(reason)
    }
    process.on('unhandledRejection', onUnhandled)
    try {
      const reqs = new PendingRequests()
      const { reply } = reqs.open('ask', 1, () => new Error('timed out early'))
      // nobody awaits `reply` until the timer has fired and a few turns have passed
      await new Promise((r) => setTimeout(r, 20))
      await new Promise((r) => setImmediate(r))
      expect(unhandled).toEqual([])
      await expect(reply).rejects.toThrow('timed out early')
    } finally {
      process.off('unhandledRejection', onUnhandled)
    }
  })
})

describe('LeaseKeeper', () => {
  afterEach(() => {
    vi.useRealTimers()
  })

  it('renews running leases every third of the lease, several in one frame per epoch, and stops the moment one is released', async () => {
    vi.useFakeTimers()
    const calls: Array<[number, string[], number]> = []
    const keeper = new LeaseKeeper(async (epoch, ids) => {
      calls.push([epoch, [...ids].sort(), Date.now()])
    })
    const t0 = Date.now()
    const stopA = keeper.hold('a', 1, 3_000)
    keeper.hold('b', 1, 3_000)
    vi.advanceTimersByTime(100)
    // about the same age: renewed together with a and b
    keeper.hold('c', 1, 3_000)
    keeper.hold('d', 2, 3_000)
    vi.advanceTimersByTime(900)
    expect(calls).toEqual([
      [1, ['a', 'b', 'c'], t0 + 1_000],
      [2, ['d'], t0 + 1_000],
    ])
    stopA()
    vi.advanceTimersByTime(1_000)
    expect(calls.slice(2)).toEqual([
      [1, ['b', 'c'], t0 + 2_000],
      [2, ['d'], t0 + 2_000],
    ])
    keeper.release('b')
    keeper.release('c')
    keeper.release('d')
    expect(keeper.size).toBe(0)
    vi.advanceTimersByTime(10_000)
    expect(calls).toHaveLength(4)
    // the last timer found nothing due and was not set again
    expect(vi.getTimerCount()).toBe(0)
  })

  it('a short lease is renewed on its own schedule; a long one rides along in the same frames, never later than its third', () => {
    vi.useFakeTimers()
    const t0 = Date.now()
    const calls: Array<[string[], number]> = []
    const keeper = new LeaseKeeper(async (_epoch, ids) => {
      calls.push([[...ids].sort(), Date.now() - t0])
    })
    keeper.hold('long', 1, 30_000)
    keeper.hold('short', 1, 300)
    vi.advanceTimersByTime(10_000)
    expect(calls.filter(([ids]) => ids.includes('short'))).toHaveLength(100)
    // due every 10 s; renewed up to half an interval early to share a frame
    expect(calls.filter(([ids]) => ids.includes('long'))).toEqual([
      [['long', 'short'], 5_000],
      [['long', 'short'], 10_000],
    ])
    keeper.clear()
    expect(vi.getTimerCount()).toBe(0)
  })
})

describe('ProgressReporter', () => {
  it('sends the first report at once, then only the latest while one is in flight; each call resolves once its value or a newer one is stored', async () => {
    const sent: unknown[] = []
    const answers: Array<() => void> = []
    const reporter = new ProgressReporter((_epoch, _id, progress) => {
      sent.push(progress)
      return new Promise<void>((r) => answers.push(r))
    })
    const settled: number[] = []
    const p1 = reporter.report('m', 1, 1).then(() => settled.push(1))
    const p2 = reporter.report('m', 1, 2).then(() => settled.push(2))
    const p3 = reporter.report('m', 1, 3).then(() => settled.push(3))
    expect(sent).toEqual([1])
    answers.shift()!()
    await p1
    await Promise.resolve()
    expect(sent).toEqual([1, 3])
    expect(settled).toEqual([1])
    answers.shift()!()
    await Promise.all([p2, p3])
    expect(settled).toEqual([1, 2, 3])
    // idle again: the next report goes at once
    void reporter.report('m', 1, 4)
    expect(sent).toEqual([1, 3, 4])
  })
})

describe('connect', () => {
  it('outside orch throws NotAnAgentError saying what to do', async () => {
    const saved = { s: process.env.ORCH_SOCKET, i: process.env.ORCH_AGENT_ID }
    delete process.env.ORCH_SOCKET
    delete process.env.ORCH_AGENT_ID
    try {
      const err = await connect().catch((e: unknown) => e)
      expect(err).toBeInstanceOf(NotAnAgentError)
      expect(err).toMatchObject({ code: 'E_NOT_AN_AGENT', message: expect.stringMatching(/ORCH_SOCKET is not set: run this agent under orch/) })
    } finally {
      if (saved.s !== undefined) process.env.ORCH_SOCKET = saved.s
      if (saved.i !== undefined) process.env.ORCH_AGENT_ID = saved.i
    }
  })
})
