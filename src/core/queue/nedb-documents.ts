import type { Message } from './message.js'
import { subscriptionKey, type Subscription } from './store.js'
import { payloadJsonOf } from './payload-json.js'

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

const OPTIONAL_STRINGS = ['topic', 'correlationId', 'parentId', 'replyTo', 'lastError', 'key', 'inReplyTo'] as const
const OPTIONAL_NUMBERS = ['notBefore', 'expiresAt', 'deadAt', 'lease', 'ackedAt'] as const
const REQUIRED_STRINGS = ['from', 'to', 'type'] as const
const REQUIRED_NUMBERS = ['priority', 'hops', 'attempts', 'createdAt', 'seq'] as const

export function toMessageDoc(m: Message): MessageDoc {
  const doc: MessageDoc = {
    _id: m.id,
    from: m.from,
    to: m.to,
    type: m.type,
    priority: m.priority,
    payloadJson: payloadJsonOf(m),
    hops: m.hops,
    attempts: m.attempts,
    createdAt: m.createdAt,
    seq: m.seq,
  }
  // NeDB keeps undefined fields in memory; leave them out altogether
  if (m.topic !== undefined) doc.topic = m.topic
  if (m.correlationId !== undefined) doc.correlationId = m.correlationId
  if (m.parentId !== undefined) doc.parentId = m.parentId
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

/**
 * A message from a document read off disk, or why it is not one. Checks
 * every field the queue relies on, so a damaged document is set aside at
 * load instead of breaking the queue later; unknown fields are dropped.
 */
export function parseMessageDoc(doc: Record<string, unknown>): Message | string {
  if (typeof doc._id !== 'string' || doc._id === '') return "no '_id'"
  for (const f of REQUIRED_STRINGS) if (typeof doc[f] !== 'string') return `field '${f}' missing or not a string`
  for (const f of REQUIRED_NUMBERS) if (!Number.isFinite(doc[f])) return `field '${f}' missing or not a number`
  if (typeof doc.payloadJson !== 'string') return "field 'payloadJson' missing or not a string"
  let payload: unknown
  try {
    payload = JSON.parse(doc.payloadJson)
  } catch {
    return "field 'payloadJson' is not JSON"
  }
  const m = {
    id: doc._id,
    from: doc.from,
    to: doc.to,
    type: doc.type,
    priority: doc.priority,
    payload,
    hops: doc.hops,
    attempts: doc.attempts,
    createdAt: doc.createdAt,
    seq: doc.seq,
  } as Message
  const out = m as unknown as Record<string, unknown>
  for (const f of OPTIONAL_STRINGS) {
    if (doc[f] === undefined) continue
    if (typeof doc[f] !== 'string') return `field '${f}' is not a string`
    out[f] = doc[f]
  }
  for (const f of OPTIONAL_NUMBERS) {
    if (doc[f] === undefined) continue
    if (!Number.isFinite(doc[f])) return `field '${f}' is not a number`
    out[f] = doc[f]
  }
  return m
}

/** A subscription document read off disk, or why it is not one. */
export function parseSubscriptionDoc(doc: Record<string, unknown>): SubscriptionDoc | string {
  if (typeof doc.topic !== 'string' || typeof doc.subscriber !== 'string') return 'subscription without topic or subscriber'
  const s = toSubscriptionDoc({ topic: doc.topic, subscriber: doc.subscriber })
  return doc._id === s._id ? s : "subscription whose '_id' does not match it"
}

export function toSubscriptionDoc(s: Subscription): SubscriptionDoc {
  return { _id: subscriptionDocId(s), kind: 'subscription', topic: s.topic, subscriber: s.subscriber }
}

export function subscriptionDocId(s: Subscription): string {
  return SUBSCRIPTION_ID_PREFIX + subscriptionKey(s)
}
