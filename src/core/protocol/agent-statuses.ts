/** An agent's states, in the order of its life (see DESIGN.md). */
export const AGENT_STATUSES = ['starting', 'online', 'stopping', 'stopped', 'backoff', 'errored'] as const
export type AgentStatus = (typeof AGENT_STATUSES)[number]
