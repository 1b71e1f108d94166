/** The daemon's codes live in the protocol's one table; re-exported for the error classes of this folder. */
export { ErrorCode, type ErrorCodeValue } from '../protocol/error-codes.js'
