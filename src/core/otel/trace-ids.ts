import { createHash } from 'node:crypto'

/**
 * Span and trace ids derived from orch's own ids, so that every message of
 * one conversation lands in one trace and a message's parent can be named
 * from its id alone, in any daemon, before or after a restart.
 */

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
const ZERO = /^0+$/

function hashHex(text: string, bytes: number): string {
  return createHash('sha256').update(text).digest('hex').slice(0, bytes * 2)
}

/** 16 bytes (32 hex digits): a UUID correlation id without its dashes (searchable as is), any other string hashed. */
export function traceIdOf(correlationId: string): string {
  const id = UUID.test(correlationId) ? correlationId.replace(/-/g, '').toLowerCase() : hashHex(`orch-trace:${correlationId}`, 16)
  return ZERO.test(id) ? hashHex(`orch-trace:${correlationId}`, 16) : id
}

/** 8 bytes (16 hex digits) for a message's span, or with `part` for one of its child spans (e.g. 'wait/0'). */
export function spanIdOf(messageId: string, part?: string): string {
  const id = hashHex(part === undefined ? `orch-span:${messageId}` : `orch-span:${messageId}/${part}`, 8)
  return ZERO.test(id) ? '0000000000000001' : id
}
