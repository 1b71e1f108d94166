/** How long `request` waits for a reply unless told otherwise. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000
/** A reply's type is the request's type plus this suffix: 'task.run' → 'task.run.reply'. */
export const REPLY_TYPE_SUFFIX = '.reply'

/** Reconnect backoff: the daemon's socket usually reappears within a second of a restart. */
export const RECONNECT_INITIAL_MS = 50
export const RECONNECT_MAX_MS = 1_000
export const RECONNECT_FACTOR = 2

/**
 * Correlation ids of requests that were answered or timed out, remembered so
 * that a late or duplicate reply is dropped rather than handled.
 */
export const MAX_FINISHED_REQUESTS = 10_000

/** A delivery's lease when the daemon does not say (`leaseMs` absent: an older daemon). */
export const DEFAULT_LEASE_MS = 30_000
/** A running handler's lease is renewed this many times per lease duration (BullMQ renews at half; a third survives one lost renewal). */
export const LEASE_RENEWALS_PER_LEASE = 3
/** Renewals never come closer together than this, whatever the lease. */
export const MIN_LEASE_RENEW_INTERVAL_MS = 50
