import type { Message } from './message.js'

/** Where a message keeps its payload's JSON: a symbol, so JSON, Object.keys and for-in never see it (nor copies: not enumerable). */
const PAYLOAD_JSON = Symbol('payloadJson')

type WithJson = Message & { [PAYLOAD_JSON]?: { payload: unknown; json: string } }

/**
 * The JSON text of a message's payload, made once when the send is checked
 * (its size is measured on it) and used again for the store's line and the
 * delivery frame, instead of a JSON.stringify each. Kept with the payload it
 * was made of: a payload replaced later (an acked keyed message drops it) is
 * serialised anew. On the message itself, not in a WeakMap: one WeakMap entry
 * per message cost the daemon ~3 µs a message in sets and GC (measured).
 */
export function rememberPayloadJson(m: Message, json: string): void {
  // not enumerable: copies ({ ...m }) and deep equality leave it out
  Object.defineProperty(m, PAYLOAD_JSON, { value: { payload: m.payload, json }, writable: true, configurable: true, enumerable: false })
}

export function payloadJsonOf(m: Message): string {
  const known = (m as WithJson)[PAYLOAD_JSON]
  return known !== undefined && known.payload === m.payload ? known.json : JSON.stringify(m.payload ?? null)
}
