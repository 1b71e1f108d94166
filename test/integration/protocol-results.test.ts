import { describe, expect, it } from 'vitest'
import * as v from 'valibot'
import { DaemonClient } from '../../src/core/client/daemon-client.js'
import { isEvent } from '../../src/core/protocol/events.js'
import { METHODS, type MethodName, type ResultOf } from '../../src/core/protocol/methods.js'
import { EVENTS } from '../../src/core/protocol/schemas/events.js'
import { PushedEvent, type WireMessage } from '../../src/core/protocol/types.js'
import { problemsOf } from '../../src/core/schema/problems.js'
import { fixture, orchJson, useHomes, waitFor, writeConfig } from '../helpers/orch.js'

const home = useHomes()

type Node = { type: string; entries?: Record<string, Node>; item?: Node; options?: Node[]; wrapped?: Node }

/** Keys of `value` that its schema does not name, at any depth: fields the daemon sends that the docs would not list. */
function undocumented(schema: Node, value: unknown, at = ''): string[] {
  if (schema.wrapped) return value === undefined || value === null ? [] : undocumented(schema.wrapped, value, at)
  if (schema.type === 'union' && schema.options) {
    const fits = schema.options.find((o) => v.is(o as unknown as v.GenericSchema, value))
    return fits ? undocumented(fits, value, at) : []
  }
  if (schema.item && Array.isArray(value)) return value.flatMap((x, i) => undocumented(schema.item!, x, `${at}[${i}]`))
  if (schema.entries && typeof value === 'object' && value !== null) {
    return Object.entries(value).flatMap(([k, x]) => {
      const entry = schema.entries![k]
      return entry ? undocumented(entry, x, `${at}.${k}`) : [`${at}.${k}`]
    })
  }
  return []
}

/** The result fits the method's result schema exactly: every field documented, none missing or of another type. */
function expectFits(schema: v.GenericSchema, value: unknown): void {
  expect(problemsOf(schema, value)).toEqual([])
  expect(undocumented(schema as unknown as Node, value)).toEqual([])
}

async function call<M extends MethodName>(client: DaemonClient, method: M, params: Parameters<DaemonClient['call']>[1]): Promise<ResultOf<M>> {
  const result = await client.call(method, params as never)
  expectFits(METHODS[method].result, result)
  return result as ResultOf<M>
}

describe('what the daemon answers and pushes fits the protocol schemas', () => {
  it('results of every kind of method, and a pushed message', async () => {
    const t = home()
    const cfg = writeConfig(t, [{ name: 'hold', script: fixture('q-hold.js'), env: { RECORD_FILE: `${t.home}/hold.jsonl` }, startGrace: '100ms' }])
    await orchJson(['start', cfg])
    const client = await DaemonClient.connect(t.paths.socket)
    try {
      await call(client, 'daemon.status', {})
      await waitFor(async () => (await call(client, 'agents.list', {}))[0]?.status === 'online', 'hold online')
      await call(client, 'agents.describe', { name: 'hold' })
      await call(client, 'agents.describe', { name: 'all' })

      // a message held in flight, one dead letter, a duplicate by key
      await call(client, 'queue.send', { to: 'hold', type: 'work', payload: { n: 1 }, key: 'k1' })
      await call(client, 'queue.send', { to: 'hold', type: 'work', payload: { n: 1 }, key: 'k1' })
      await call(client, 'queue.sendMany', { messages: [{ to: 'hold', type: 'a', ttl: 1, delay: 5 }, { to: 'nobody', type: 'b' }] })
      await waitFor(async () => (await client.call('queue.ls', {})).counts.inFlight === 1, 'one message in flight')
      await waitFor(async () => (await client.call('queue.dead', {})).counts.dead === 1, 'the ttl-1 message dead')
      await call(client, 'queue.ls', {})
      await call(client, 'queue.ls', { agent: 'hold', limit: 1 })
      await call(client, 'queue.dead', {})
      await call(client, 'daemon.metrics', {})

      // a CLI connection consuming at its own address gets a `message` event
      const pushed = new Promise<unknown>((resolve) => client.on('event', (f) => isEvent(f, PushedEvent.MESSAGE) && resolve(f.data)))
      const { id } = await call(client, 'queue.consume', {})
      await call(client, 'queue.send', { to: id, type: 'to-me', payload: [1, 'two'] })
      const data = (await pushed) as WireMessage
      expectFits(EVENTS[PushedEvent.MESSAGE].data, data)
      await call(client, 'queue.extend', { ids: [data.id, 'not-mine'] })
      await call(client, 'queue.ack', { ids: [data.id] })

      await call(client, 'queue.replay', { id: 'all' })
      await call(client, 'queue.purge', { agent: 'hold' })
      await call(client, 'agents.restart', { target: 'hold' })
      await call(client, 'agents.stop', { target: 'hold' })
    } finally {
      client.close()
    }
  })
})
