/** What every client of the queue (the CLI, the agent SDK) shares with the daemon's queue. */

/** `to: 'topic:news'` fans out to the subscribers of 'news'. */
export const TOPIC_PREFIX = 'topic:'
/** A message's payload is at most this many bytes of JSON unless the config's queue says otherwise. */
export const DEFAULT_MAX_PAYLOAD_BYTES = 256 * 1024
