/** The SDK's own codes, a view of the protocol's one table. */
export { AgentErrorCode, type AgentErrorCodeValue } from '../../core/protocol/error-codes.js'
