/** The queue's codes, a view of the protocol's one table. */
export { QueueErrorCode, type QueueErrorCodeValue } from '../../protocol/error-codes.js'
