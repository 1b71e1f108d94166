import { Args } from '@oclif/core'
import { OrchCommand } from '../cli/base-command.js'
import type { ResultOf } from '../core/protocol/methods.js'

export default class Delete extends OrchCommand<ResultOf<'agents.delete'>> {
  static override summary = 'Stop an agent (or all) and forget it.'
  static override examples = ['<%= config.bin %> delete agent_1', '<%= config.bin %> delete worker:2', '<%= config.bin %> delete all']
  static override args = {
    target: Args.string({ description: 'agent name, instance (name:N), or all', required: true }),
  }

  async run(): Promise<ResultOf<'agents.delete'>> {
    const { args } = await this.parse(Delete)
    const result = await (await this.daemon()).call('agents.delete', { target: args.target })
    if (!this.jsonEnabled()) this.log(`deleted ${result.deleted.join(', ') || 'nothing'}`)
    return result
  }
}
