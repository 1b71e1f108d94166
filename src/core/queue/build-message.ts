import { randomUUID } from 'node:crypto'
import type { Message } from './message.js'
import { rememberPayloadJson } from './payload-json.js'
import type { ValidSend } from './validate-send.js'

/** The stored form of a validated send for one recipient key (one per topic subscriber). */
export function buildMessage(valid: ValidSend, to: string, createdAt: number, seq: number): Message {
  const m: Message = {
    id: randomUUID(),
    from: valid.from,
    to,
    type: valid.type,
    priority: valid.priority,
    payload: valid.payload,
    hops: valid.hops,
    attempts: 0,
    createdAt,
    seq,
  }
  if (valid.topic !== undefined) m.topic = valid.topic
  if (valid.correlationId !== undefined) m.correlationId = valid.correlationId
  if (valid.parentId !== undefined) m.parentId = valid.parentId
  if (valid.replyTo !== undefined) m.replyTo = valid.replyTo
  if (valid.inReplyTo !== undefined) m.inReplyTo = valid.inReplyTo
  if (valid.key !== undefined) m.key = valid.key
  if (valid.lease !== undefined) m.lease = valid.lease
  if (valid.delayMs > 0) m.notBefore = createdAt + valid.delayMs
  if (valid.ttlMs !== undefined) m.expiresAt = createdAt + valid.ttlMs
  rememberPayloadJson(m, valid.payloadJson)
  return m
}
