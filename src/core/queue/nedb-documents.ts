import type { Message } from './message.js'
import { subscriptionKey, type Subscription } from './store.js'

/**
 * A message as NeDB stores it. The payload is kept as a JSON string: NeDB
 * refuses keys that start with '$' or contain '.', which payloads may well
 * have, and a string is also cheaper for NeDB to copy and serialise.
 */
export type MessageDoc = Omit<Message, 'id' | 'payload'> & {
  _id: string
  payloadJson: string
}

/** Subscriptions share the file; `kind` tells them apart from messages. */
export interface SubscriptionDoc {
  _id: string
  kind: 'subscription'
  topic: string
  subscriber: string
}

const SUBSCRIPTION_ID_PREFIX = 'sub\u0000'

export function toMessageDoc(m: Message): MessageDoc {
  const doc: MessageDoc = {
    _id: m.id,
    from: m.from,
    to: m.to,
    type: m.type,
    priority: m.priority,
    payloadJson: JSON.stringify(m.payload ?? null),
    hops: m.hops,
    attempts: m.attempts,
    createdAt: m.createdAt,
    seq: m.seq,
  }
  // NeDB keeps undefined fields in memory; leave them out altogether
  if (m.topic !== undefined) doc.topic = m.topic
  if (m.correlationId !== undefined) doc.correlationId = m.correlationId
  if (m.replyTo !== undefined) doc.replyTo = m.replyTo
  if (m.notBefore !== undefined) doc.notBefore = m.notBefore
  if (m.expiresAt !== undefined) doc.expiresAt = m.expiresAt
  if (m.lastError !== undefined) doc.lastError = m.lastError
  if (m.deadAt !== undefined) doc.deadAt = m.deadAt
  if (m.key !== undefined) doc.key = m.key
  if (m.lease !== undefined) doc.lease = m.lease
  if (m.inReplyTo !== undefined) doc.inReplyTo = m.inReplyTo
  if (m.ackedAt !== undefined) doc.ackedAt = m.ackedAt
  return doc
}

export function fromMessageDoc(doc: MessageDoc): Message {
  const { _id, payloadJson, ...rest } = doc
  return { id: _id, ...rest, payload: JSON.parse(payloadJson) as unknown }
}

export function toSubscriptionDoc(s: Subscription): SubscriptionDoc {
  return { _id: subscriptionDocId(s), kind: 'subscription', topic: s.topic, subscriber: s.subscriber }
}

export function isSubscriptionDoc(doc: MessageDoc | SubscriptionDoc): doc is SubscriptionDoc {
  return (doc as SubscriptionDoc).kind === 'subscription'
}

export function subscriptionDocId(s: Subscription): string {
  return SUBSCRIPTION_ID_PREFIX + subscriptionKey(s)
}
