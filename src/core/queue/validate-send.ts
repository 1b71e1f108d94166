import { SendInputSchema } from '../protocol/schemas/send.js'
import { formatProblems, isPlainObject, problemsOf, quote } from '../schema/problems.js'
import { DEFAULT_PRIORITY, TOPIC_PREFIX } from './constants.js'
import { InvalidMessageError } from './errors/invalid-message-error.js'
import type { Message, SendInput } from './message.js'
import { checkTopicName } from './topic-name.js'

export interface SendLimits {
  maxHops: number
  maxPayloadBytes: number
}

/** A send that passed validation, with defaults applied. */
export type ValidSend = Pick<Message, 'from' | 'to' | 'topic' | 'type' | 'priority' | 'payload' | 'correlationId' | 'parentId' | 'replyTo' | 'hops' | 'key' | 'lease' | 'inReplyTo'> & {
  delayMs: number
  ttlMs?: number
  /** the payload as JSON (its size was checked on it) */
  payloadJson: string
}

/**
 * Throws InvalidMessageError quoting the bad value; checks nothing about who
 * exists. Each field's rule is the protocol's (SendInputSchema, the same
 * fields as `queue.send`'s params); the limits of this daemon, the topic
 * name and the payload's JSON are checked here. With `fieldsChecked`, the
 * caller already checked the fields by those rules (the daemon checks a
 * frame's params against the protocol's schema), and they are not checked
 * twice.
 */
export function validateSend(input: SendInput, limits: SendLimits, fieldsChecked = false): ValidSend {
  if (!fieldsChecked) {
    if (!isPlainObject(input)) throw new InvalidMessageError('input', `a send must be an object, got ${quote(input)}`)
    const problems = problemsOf(SendInputSchema, input)
    if (problems.length > 0) throw new InvalidMessageError(problems[0]!.field, formatProblems(problems))
  }

  const { from, to, type } = input
  let topic: string | undefined
  if (to.startsWith(TOPIC_PREFIX)) {
    topic = checkTopicName(to.slice(TOPIC_PREFIX.length), to, 'to')
  }
  const hops = input.hops ?? 0
  if (hops > limits.maxHops) {
    throw new InvalidMessageError('hops', `hops ${hops} is over the limit of ${limits.maxHops}: probably two agents answering each other forever`)
  }
  const payload = input.payload === undefined ? null : input.payload
  const payloadJson = checkPayload(payload, limits.maxPayloadBytes)

  const valid: ValidSend = { from, to, type, priority: input.priority ?? DEFAULT_PRIORITY, payload, hops, delayMs: input.delayMs ?? 0, payloadJson }
  if (topic !== undefined) valid.topic = topic
  if (input.ttlMs !== undefined) valid.ttlMs = input.ttlMs
  if (input.correlationId !== undefined) valid.correlationId = input.correlationId
  if (input.parentId !== undefined) valid.parentId = input.parentId
  if (input.replyTo !== undefined) valid.replyTo = input.replyTo
  if (input.inReplyTo !== undefined) valid.inReplyTo = input.inReplyTo
  if (input.key !== undefined) valid.key = input.key
  if (input.leaseMs !== undefined) valid.lease = input.leaseMs
  return valid
}

/** The payload's JSON, once its size is known to be within the limit. */
function checkPayload(payload: unknown, maxBytes: number): string {
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
  if (json.length * 3 <= maxBytes) return json
  const bytes = json.length > maxBytes ? json.length : Buffer.byteLength(json, 'utf8')
  if (bytes > maxBytes) {
    throw new InvalidMessageError('payload', `payload is ${bytes} bytes of JSON, over the limit of ${maxBytes} bytes`)
  }
  return json
}
