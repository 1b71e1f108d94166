import { InvalidMessageError } from './errors/invalid-message-error.js'
import { quote } from '../schema/problems.js'

/** A topic name is an id, not a sentence: long enough for `team/build:done`-style paths. */
export const MAX_TOPIC_CHARS = 256
/**
 * ASCII letters, digits and `. _ - : /`: no whitespace (a name with a stray
 * space is a different topic that nobody subscribes to), no control
 * characters, and `*` and `>` kept free for wildcards later.
 */
const TOPIC_NAME = /^[A-Za-z0-9._:/-]+$/
export const TOPIC_NAME_TEXT = "1 to 256 characters, each an ASCII letter, a digit or one of '. _ - : /'"

/**
 * The one rule for a topic name (without its `topic:` prefix), for
 * subscribe, unsubscribe and sends to `topic:NAME` alike: every bad name is
 * an InvalidMessageError (E_INVALID_MESSAGE). `written` is what the caller
 * sent, quoted in the message.
 */
export function checkTopicName(name: string, written: string, field: string): string {
  if (name === '') throw new InvalidMessageError(field, `topic name is empty in ${quote(written)}`)
  if (name.length > MAX_TOPIC_CHARS || !TOPIC_NAME.test(name)) {
    throw new InvalidMessageError(field, `bad topic name in ${quote(written)}: a topic name is ${TOPIC_NAME_TEXT}`)
  }
  return name
}
