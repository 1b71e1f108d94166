import type { Message } from './message.js'

/**
 * The JSON text of a message's payload, made once when the send is checked
 * (its size is measured on it) and used again for the store's line, instead
 * of a second JSON.stringify per message. Kept with the payload it was made
 * of: a payload replaced later (an acked keyed message drops it) is
 * serialised anew.
 */
const texts = new WeakMap<Message, { payload: unknown; json: string }>()

export function rememberPayloadJson(m: Message, json: string): void {
  texts.set(m, { payload: m.payload, json })
}

export function payloadJsonOf(m: Message): string {
  const known = texts.get(m)
  return known !== undefined && known.payload === m.payload ? known.json : JSON.stringify(m.payload ?? null)
}
