/**
 * The agent SDK for Node agents: `import { connect } from 'orch/agent'`.
 * It reads ORCH_SOCKET and ORCH_AGENT_ID, which the daemon sets for every
 * agent it spawns.
 */
import { DaemonClient } from '../core/client/daemon-client.js'
import { NotAnAgentError } from '../core/errors/not-an-agent-error.js'

export interface AgentOptions {
  socket?: string
  id?: string
}

export class Agent {
  constructor(
    private readonly client: DaemonClient,
    /** this instance's id: `name` or `name:N` */
    readonly id: string,
  ) {}

  /** Tells the daemon this agent is ready: it shows `online` at once, whatever its start grace. */
  async ready(): Promise<void> {
    await this.client.call('agent.ready', {})
  }

  close(): void {
    this.client.close()
  }
}

/** Connects to the daemon that spawned this agent. */
export async function connect(opts: AgentOptions = {}): Promise<Agent> {
  const socket = opts.socket ?? process.env.ORCH_SOCKET
  const id = opts.id ?? process.env.ORCH_AGENT_ID
  if (!socket || !id) {
    throw new NotAnAgentError('ORCH_SOCKET and ORCH_AGENT_ID are not set: run this agent under orch (orch start), or pass { socket, id }')
  }
  const client = await DaemonClient.connect(socket, { client: 'agent', agent: id })
  return new Agent(client, id)
}
