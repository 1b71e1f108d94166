/**
 * The agent SDK for Node agents: `import { connect } from 'orch/agent'`.
 *
 * ```ts
 * const agent = await connect()                 // ORCH_SOCKET, ORCH_AGENT_ID, ORCH_AGENT_TOKEN
 * agent.onMessage('task.run', async (msg) => {
 *   await agent.progress({ step: 1 })            // shown by `orch queue ls`; the lease is renewed all along
 *   await agent.reply(msg, await run(msg.payload))
 * })
 * await agent.ready()
 * const answer = await agent.request('worker', 'task.run', { n: 1 })
 * ```
 */
export { Agent } from './agent.js'
export { connect } from './connect.js'
export { currentMessage } from './context.js'
export { DEFAULT_REQUEST_TIMEOUT_MS, REPLY_TYPE_SUFFIX } from './constants.js'
export { AgentClosedError, AgentErrorCode, RequestTimeoutError, type RequestTimeoutData } from './errors/index.js'
export { Logger } from './logger.js'
export type { AgentEvents, AgentMessage, AgentOptions, LogLevel, MessageHandler, ReplyOptions, RequestOptions, SendOptions } from './types.js'
export { NotAnAgentError } from '../core/errors/not-an-agent-error.js'
export { DaemonUnreachableError } from '../core/errors/daemon-unreachable-error.js'
export { OrchError } from '../core/errors/orch-error.js'
