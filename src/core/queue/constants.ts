export { DEFAULT_MAX_PAYLOAD_BYTES, TOPIC_PREFIX } from '../protocol/queue-constants.js'

export const DEFAULT_LEASE_MS = 30_000
export const DEFAULT_MAX_ATTEMPTS = 5
/** per recipient instance */
export const DEFAULT_MAX_IN_FLIGHT = 64
export const DEFAULT_MAX_HOPS = 16
export const DEFAULT_COMPACT_EVERY_MS = 60_000
export const DEFAULT_PRIORITY = 0
/** How long after its ack a message sent with a `key` still turns away a send with the same key. */
export const DEFAULT_KEY_WINDOW_MS = 10 * 60_000
/**
 * Instance ids are `name:N` with N counted from here ('worker:0' … 'worker:3'),
 * as the daemon names them (daemon/apply-config.ts `instanceId`). A
 * single-instance agent's instance id is its bare name.
 */
export const FIRST_INSTANCE_INDEX = 0

export const EXPIRED_REASON = 'expired (ttl)'

/** setTimeout overflows (and fires at once) past 2^31-1 ms. */
export const MAX_TIMER_DELAY_MS = 2_147_483_647
