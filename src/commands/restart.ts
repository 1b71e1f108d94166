import { Args } from '@oclif/core'
import { OrchCommand } from '../cli/base-command.js'
import { renderAgents } from '../cli/render-agents.js'
import type { ResultOf } from '../core/protocol/methods.js'

export default class Restart extends OrchCommand<ResultOf<'agents.restart'>> {
  static override summary = 'Restart an agent (or all) with a fresh restart budget.'
  static override examples = ['<%= config.bin %> restart agent_1', '<%= config.bin %> restart worker:2', '<%= config.bin %> restart all']
  static override args = {
    target: Args.string({ description: 'agent name, instance (name:N), or all', required: true }),
  }

  async run(): Promise<ResultOf<'agents.restart'>> {
    const { args } = await this.parse(Restart)
    const result = await (await this.daemon()).call('agents.restart', { target: args.target })
    if (!this.jsonEnabled()) this.log(renderAgents(result))
    return result
  }
}
