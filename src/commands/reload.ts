import { renderAgents } from '../cli/render-agents.js'
import { TARGET_ARGS, TargetCommand } from '../cli/target-command.js'
import type { AgentInfo } from '../core/protocol/types.js'

export default class Reload extends TargetCommand<'agents.reload'> {
  static override summary = 'Restart an agent (or all) instance by instance, each new process online before the old one stops.'
  static override description =
    'A rolling restart (pm2 reload): the agent never drops to zero processes. When a new process does not come online, its old one keeps running and the reload stops there (E_RELOAD_FAILED).'
  static override examples = ['<%= config.bin %> reload worker', '<%= config.bin %> reload worker:2', '<%= config.bin %> reload all']
  static override args = TARGET_ARGS
  protected readonly method = 'agents.reload'
  protected render = (agents: AgentInfo[]): string => renderAgents(agents, this.display)
}
