/**
 * Span and trace ids derived from orch's own ids, so that every message of
 * one conversation lands in one trace and a message's parent can be named
 * from its id alone, in any daemon, before or after a restart.
 */

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
const ZERO = /^0+$/

/** 32 bits of a string (a murmur-style mix): ids need determinism and spread, not secrecy; sha256 cost ~5 µs a call here. */
function hash32(text: string, seed: number): string {
  let h = (seed ^ text.length) >>> 0
  for (let i = 0; i < text.length; i++) {
    h = Math.imul(h ^ text.charCodeAt(i), 0x5bd1e995)
    h ^= h >>> 15
  }
  h = Math.imul(h ^ (h >>> 13), 0x5bd1e995)
  return ((h ^ (h >>> 15)) >>> 0).toString(16).padStart(8, '0')
}

const SEEDS = [0x9e3779b9, 0x85ebca6b, 0xc2b2ae35, 0x27d4eb2f]

function hashHex(text: string, bytes: 8 | 16): string {
  let out = ''
  for (let i = 0; i < bytes / 4; i++) out += hash32(text, SEEDS[i]!)
  return out
}

/** 16 bytes (32 hex digits): a UUID correlation id without its dashes (searchable as is), any other string hashed (128 bits). */
export function traceIdOf(correlationId: string): string {
  const id = UUID.test(correlationId) ? correlationId.replace(/-/g, '').toLowerCase() : hashHex(`orch-trace:${correlationId}`, 16)
  return ZERO.test(id) ? hashHex(`orch-trace:${correlationId}`, 16) : id
}

/** 8 bytes (16 hex digits) for a message's span, or with `part` for one of its child spans (e.g. 'wait/0'). */
export function spanIdOf(messageId: string, part?: string): string {
  const id = hashHex(part === undefined ? `orch-span:${messageId}` : `orch-span:${messageId}/${part}`, 8)
  return ZERO.test(id) ? '0000000000000001' : id
}
