/** Codes of errors the agent SDK raises itself. Add new ones at the end; never rename or reuse one. */
export const AgentErrorCode = {
  AGENT_CLOSED: 'E_AGENT_CLOSED',
} as const
export type AgentErrorCodeValue = (typeof AgentErrorCode)[keyof typeof AgentErrorCode]
