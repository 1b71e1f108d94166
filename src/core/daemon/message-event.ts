import { PushedEvent } from '../protocol/types.js'
import type { Message } from '../queue/message.js'
import { payloadJsonOf } from '../queue/payload-json.js'

/**
 * The text of the `message` event that delivers `m`: what encodeFrame of
 * `{ event: 'message', data: { ...wire message, leaseMs } }` gives, with
 * the payload's JSON made at the send's check spliced in instead of
 * serialised once more (a delivery's biggest part, on the hot path).
 */
export function messageEventText(m: Message, leaseMs: number): string {
  const { seq: _seq, ackedAt: _ackedAt, payload: _payload, ...data } = m
  const head = JSON.stringify(Object.assign(data, { leaseMs }))
  return `{"event":"${PushedEvent.MESSAGE}","data":${head.slice(0, -1)},"payload":${payloadJsonOf(m)}}}\n`
}
