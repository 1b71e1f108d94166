import { OrchCommand } from '../cli/base-command.js'
import { renderAgents } from '../cli/render-agents.js'
import type { AgentInfo } from '../core/protocol/types.js'

export default class Ls extends OrchCommand<AgentInfo[]> {
  static override summary = 'List agents: name, type, status, pid, uptime, restarts, cpu, memory, inbox.'
  static override aliases = ['list', 'status']
  static override examples = ['<%= config.bin %> ls', '<%= config.bin %> ls --json']

  async run(): Promise<AgentInfo[]> {
    await this.parse(Ls)
    const agents = await (await this.daemon()).call('agents.list', {})
    if (!this.jsonEnabled()) this.log(renderAgents(agents))
    return agents
  }
}
