import type { Message } from './message.js'
import { parseMessageDoc, parseSubscriptionDoc, toMessageDoc, type SubscriptionDoc } from './nedb-documents.js'

/**
 * data/queue.db, line by line: NeDB's format (one JSON document per line,
 * the last line of an `_id` wins, `{"$$deleted":true,"_id":…}` removes), led
 * by a header document that names the format version. The header is written
 * when the file is created and at each compaction; a file without one was
 * written before versions existed and reads as version 1.
 */
export const QUEUE_FORMAT_VERSION = 1
export const HEADER_ID = '$orch'

export interface QueueFileHeader {
  _id: typeof HEADER_ID
  kind: 'meta'
  version: number
}

export const HEADER_LINE = JSON.stringify({ _id: HEADER_ID, kind: 'meta', version: QUEUE_FORMAT_VERSION } satisfies QueueFileHeader)

/**
 * Our documents hold only strings, numbers and booleans (the payload is JSON
 * text), for which NeDB's model.serialize is exactly JSON.stringify.
 */
export function messageLine(m: Message): string {
  return JSON.stringify(toMessageDoc(m))
}

export function subscriptionLine(doc: SubscriptionDoc): string {
  return JSON.stringify(doc)
}

/** NeDB's line for a removed document. */
export function deletionLine(id: string): string {
  return `{"$$deleted":true,"_id":${JSON.stringify(id)}}`
}

export type QueueLine =
  | { kind: 'header'; version: number }
  | { kind: 'message'; message: Message }
  | { kind: 'subscription'; doc: SubscriptionDoc }
  | { kind: 'deletion'; id: string }
  /** NeDB's index definitions: valid, and nothing for us */
  | { kind: 'ignored' }
  | { kind: 'bad'; reason: string }

export function parseQueueLine(line: string): QueueLine {
  let doc: unknown
  try {
    doc = JSON.parse(line)
  } catch {
    return { kind: 'bad', reason: 'not JSON' }
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) return { kind: 'bad', reason: 'not a document' }
  const d = doc as Record<string, unknown>
  if (d.$$deleted === true) return typeof d._id === 'string' ? { kind: 'deletion', id: d._id } : { kind: 'bad', reason: "deletion without '_id'" }
  if (d.$$indexCreated !== undefined) return { kind: 'ignored' }
  if (d._id === HEADER_ID) {
    return d.kind === 'meta' && Number.isInteger(d.version) ? { kind: 'header', version: d.version as number } : { kind: 'bad', reason: 'header of a wrong shape' }
  }
  if (d.kind === 'subscription') {
    const s = parseSubscriptionDoc(d)
    return typeof s === 'string' ? { kind: 'bad', reason: s } : { kind: 'subscription', doc: s }
  }
  const m = parseMessageDoc(d)
  return typeof m === 'string' ? { kind: 'bad', reason: `message document of a wrong shape: ${m}` } : { kind: 'message', message: m }
}
