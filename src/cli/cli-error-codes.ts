/** The CLI's error codes are a view of the one table, owned by the protocol. */
export { CliErrorCode } from '../core/protocol/error-codes.js'

/** Exit code of a usage error (as most Unix tools, and oclif's own); every other error exits with 1. */
export const USAGE_EXIT_CODE = 2
