import { renderAgents } from '../cli/render-agents.js'
import { TARGET_ARGS, TargetCommand } from '../cli/target-command.js'
import type { AgentInfo } from '../core/protocol/types.js'

export default class Stop extends TargetCommand<'agents.stop'> {
  static override summary = 'Stop an agent (or all): its signal to the whole process group, SIGKILL after killTimeout; returns when the group is gone.'
  static override examples = ['<%= config.bin %> stop agent_1', '<%= config.bin %> stop worker:2', '<%= config.bin %> stop all']
  static override args = TARGET_ARGS
  protected readonly method = 'agents.stop'
  protected render = (agents: AgentInfo[]): string => renderAgents(agents, this.display)
}
