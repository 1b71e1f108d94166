// The SDK's pieces without a daemon: logger, ack batching, request bookkeeping, connect() outside orch.
import { describe, expect, it } from 'vitest'
import { AckBatcher } from '../../src/agent/acks.js'
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
  it('settles on a reply, not on the request itself (a request to oneself), and drops late replies', async () => {
    const reqs = new PendingRequests()
    const { correlationId, reply } = reqs.open('ask', 10_000, () => new Error('timeout'))
    expect(reqs.settle(msg({ type: 'ask', correlationId }))).toBe(false)
    expect(reqs.settle(msg({ type: 'ask.reply', correlationId, payload: 42 }))).toBe(true)
    await expect(reply).resolves.toMatchObject({ payload: 42 })

    const late = reqs.open('ask', 1, (id) => new Error(`timeout ${id}`))
    await expect(late.reply).rejects.toThrow(`timeout ${late.correlationId}`)
    expect(reqs.settle(msg({ type: 'ask.reply', correlationId: late.correlationId }))).toBe(false)
    expect(reqs.isAbandoned(late.correlationId)).toBe(true)
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
