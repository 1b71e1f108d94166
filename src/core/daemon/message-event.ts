import { PushedEvent } from '../protocol/types.js'
import type { Message } from '../queue/message.js'
import { payloadJsonOf } from '../queue/payload-json.js'
import { jsonString } from '../json-string.js'

const HEAD = `{"event":"${PushedEvent.MESSAGE}","data":{`

/**
 * The text of the `message` event that delivers `m`: what encodeFrame of
 * `{ event: 'message', data: { ...wire message, leaseMs } }` gives (the
 * same JSON, keys in another order), written field by field with the
 * payload's JSON made at the send's check spliced in. A copy of the message
 * without seq and ackedAt, then JSON.stringify, was ~5 µs a delivery in the
 * daemon's profile (docs/benchmarks.md); a loop over the message's keys
 * ~2.2 µs and ~800 bytes of garbage; this, naming each field, ~1.6 µs. A
 * field added to WireMessage must be added here (the test sets every one).
 */
export function messageEventText(m: Message, leaseMs: number): string {
  let text = `${HEAD}"id":${jsonString(m.id)},"from":${jsonString(m.from)},"to":${jsonString(m.to)},"type":${jsonString(m.type)},"priority":${m.priority},"hops":${m.hops},"attempts":${m.attempts},"createdAt":${m.createdAt}`
  if (m.topic !== undefined) text += `,"topic":${jsonString(m.topic)}`
  if (m.correlationId !== undefined) text += `,"correlationId":${jsonString(m.correlationId)}`
  if (m.parentId !== undefined) text += `,"parentId":${jsonString(m.parentId)}`
  if (m.replyTo !== undefined) text += `,"replyTo":${jsonString(m.replyTo)}`
  if (m.notBefore !== undefined) text += `,"notBefore":${m.notBefore}`
  if (m.expiresAt !== undefined) text += `,"expiresAt":${m.expiresAt}`
  if (m.lastError !== undefined) text += `,"lastError":${jsonString(m.lastError)}`
  if (m.deadAt !== undefined) text += `,"deadAt":${m.deadAt}`
  if (m.key !== undefined) text += `,"key":${jsonString(m.key)}`
  if (m.lease !== undefined) text += `,"lease":${m.lease}`
  if (m.inReplyTo !== undefined) text += `,"inReplyTo":${jsonString(m.inReplyTo)}`
  return `${text},"leaseMs":${leaseMs},"payload":${payloadJsonOf(m)}}}\n`
}
