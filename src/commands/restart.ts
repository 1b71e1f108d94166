import { renderAgents } from '../cli/render-agents.js'
import { TARGET_ARGS, TargetCommand } from '../cli/target-command.js'
import type { AgentInfo } from '../core/protocol/types.js'

export default class Restart extends TargetCommand<'agents.restart'> {
  static override summary = 'Restart an agent (or all) with a fresh restart budget.'
  static override examples = ['<%= config.bin %> restart agent_1', '<%= config.bin %> restart worker:2', '<%= config.bin %> restart all']
  static override args = TARGET_ARGS
  protected readonly method = 'agents.restart'
  protected render = (agents: AgentInfo[]): string => renderAgents(agents, this.display)
}
