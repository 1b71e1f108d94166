import { PushedEvent } from '../protocol/types.js'
import type { Message } from '../queue/message.js'
import { payloadJsonOf } from '../queue/payload-json.js'

const HEAD = `{"event":"${PushedEvent.MESSAGE}","data":{`

/**
 * The text of the `message` event that delivers `m`: what encodeFrame of
 * `{ event: 'message', data: { ...wire message, leaseMs } }` gives (the
 * same JSON, keys in another order), written field by field with the
 * payload's JSON made at the send's check spliced in. A copy of the message
 * without seq and ackedAt, then JSON.stringify, was ~5 µs a delivery in the
 * daemon's profile (docs/benchmarks.md).
 */
export function messageEventText(m: Message, leaseMs: number): string {
  let text = HEAD
  const fields = m as unknown as Record<string, unknown>
  for (const key in fields) {
    if (key === 'seq' || key === 'ackedAt' || key === 'payload') continue
    const value = fields[key]
    if (value === undefined) continue
    text += `"${key}":${typeof value === 'number' ? (Number.isFinite(value) ? value : 'null') : JSON.stringify(value)},`
  }
  return `${text}"leaseMs":${leaseMs},"payload":${payloadJsonOf(m)}}}\n`
}
