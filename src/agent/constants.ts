/** How long `request` waits for a reply unless told otherwise. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000
/** A reply's type is the request's type plus this suffix: 'task.run' → 'task.run.reply'. */
export const REPLY_TYPE_SUFFIX = '.reply'
export const TOPIC_PREFIX = 'topic:'

/** Reconnect backoff: the daemon's socket usually reappears within a second of a restart. */
export const RECONNECT_INITIAL_MS = 50
export const RECONNECT_MAX_MS = 1_000
export const RECONNECT_FACTOR = 2

/** Correlation ids of requests that timed out, remembered so a late reply is dropped rather than handled. */
export const MAX_ABANDONED_REQUESTS = 1_000
