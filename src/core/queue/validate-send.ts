import { inspect } from 'node:util'
import { MAX_DURATION_MS, MIN_LEASE_MS } from '../schema/units.js'
import { DEFAULT_PRIORITY, TOPIC_PREFIX } from './constants.js'
import { InvalidMessageError } from './errors/invalid-message-error.js'
import type { Message, SendInput } from './message.js'
import { checkTopicName } from './topic-name.js'

export interface SendLimits {
  maxHops: number
  maxPayloadBytes: number
}

/** A send that passed validation, with defaults applied. */
export type ValidSend = Pick<Message, 'from' | 'to' | 'topic' | 'type' | 'priority' | 'payload' | 'correlationId' | 'replyTo' | 'hops' | 'key' | 'lease' | 'inReplyTo'> & {
  delayMs: number
  ttlMs?: number
}

const QUOTE_MAX_CHARS = 80
/** An idempotency key is an id, not a payload. */
export const MAX_KEY_CHARS = 256

/** Quotes a bad value for an error message, briefly. */
export function quote(value: unknown): string {
  const text = inspect(value, { depth: 2, breakLength: Infinity, maxArrayLength: 5, maxStringLength: QUOTE_MAX_CHARS })
  return text.length > QUOTE_MAX_CHARS ? `${text.slice(0, QUOTE_MAX_CHARS)}…` : text
}

/** Throws InvalidMessageError quoting the bad value; checks nothing about who exists. */
export function validateSend(input: SendInput, limits: SendLimits): ValidSend {
  if (typeof input !== 'object' || input === null) {
    throw new InvalidMessageError('input', `expected an object, got ${quote(input)}`)
  }
  const from = requireString(input.from, 'from')
  const to = requireString(input.to, 'to')
  const type = requireString(input.type, 'type')
  let topic: string | undefined
  if (to.startsWith(TOPIC_PREFIX)) {
    topic = checkTopicName(to.slice(TOPIC_PREFIX.length), to, 'to')
  }

  const priority = input.priority ?? DEFAULT_PRIORITY
  if (!Number.isSafeInteger(priority)) {
    throw new InvalidMessageError('priority', `priority must be an integer, got ${quote(input.priority)}`)
  }
  const hops = input.hops ?? 0
  if (!Number.isSafeInteger(hops) || hops < 0) {
    throw new InvalidMessageError('hops', `hops must be a non-negative integer, got ${quote(input.hops)}`)
  }
  if (hops > limits.maxHops) {
    throw new InvalidMessageError(
      'hops',
      `hops ${hops} is over the limit of ${limits.maxHops}: probably two agents answering each other forever`,
    )
  }
  const delayMs = optionalDuration(input.delayMs, 'delayMs') ?? 0
  const ttlMs = optionalDuration(input.ttlMs, 'ttlMs')
  const correlationId = optionalString(input.correlationId, 'correlationId')
  const replyTo = optionalString(input.replyTo, 'replyTo')
  const inReplyTo = optionalString(input.inReplyTo, 'inReplyTo')
  const key = optionalString(input.key, 'key')
  if (key !== undefined && key.length > MAX_KEY_CHARS) {
    throw new InvalidMessageError('key', `key is ${key.length} characters, over the limit of ${MAX_KEY_CHARS}: ${quote(key)}`)
  }
  const lease = optionalDuration(input.leaseMs, 'lease')
  // the SDK renews every third of a lease, at most every 50 ms: a shorter lease runs out before its first renewal
  if (lease !== undefined && lease < MIN_LEASE_MS) {
    throw new InvalidMessageError('lease', `lease must be at least ${MIN_LEASE_MS} ms (it must outlast a renewal), got ${quote(input.leaseMs)}`)
  }
  const payload = input.payload === undefined ? null : input.payload
  checkPayload(payload, limits.maxPayloadBytes)

  const valid: ValidSend = { from, to, type, priority, payload, hops, delayMs }
  if (topic !== undefined) valid.topic = topic
  if (ttlMs !== undefined) valid.ttlMs = ttlMs
  if (correlationId !== undefined) valid.correlationId = correlationId
  if (replyTo !== undefined) valid.replyTo = replyTo
  if (inReplyTo !== undefined) valid.inReplyTo = inReplyTo
  if (key !== undefined) valid.key = key
  if (lease !== undefined) valid.lease = lease
  return valid
}

function checkPayload(payload: unknown, maxBytes: number): void {
  let json: string | undefined
  try {
    json = JSON.stringify(payload)
  } catch (err) {
    throw new InvalidMessageError('payload', `payload is not JSON-serialisable (${(err as Error).message.split('\n')[0]}): ${quote(payload)}`)
  }
  if (json === undefined) {
    throw new InvalidMessageError('payload', `payload is not JSON-serialisable: ${quote(payload)}`)
  }
  // a UTF-8 byte count lies between the UTF-16 length and three times it; skip counting when that settles it
  if (json.length * 3 <= maxBytes) return
  const bytes = json.length > maxBytes ? json.length : Buffer.byteLength(json, 'utf8')
  if (bytes > maxBytes) {
    throw new InvalidMessageError('payload', `payload is ${bytes} bytes of JSON, over the limit of ${maxBytes} bytes`)
  }
}

function requireString(value: unknown, field: string): string {
  if (typeof value !== 'string' || value === '') {
    throw new InvalidMessageError(field, `${field} must be a non-empty string, got ${quote(value)}`)
  }
  return value
}

function optionalString(value: unknown, field: string): string | undefined {
  if (value === undefined) return undefined
  return requireString(value, field)
}

function optionalDuration(value: unknown, field: string): number | undefined {
  if (value === undefined) return undefined
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > MAX_DURATION_MS) {
    throw new InvalidMessageError(
      field,
      `${field} must be a number of milliseconds from 0 to ${MAX_DURATION_MS} (about 24.8 days, the longest a timer can wait), got ${quote(value)}`,
    )
  }
  return value
}
