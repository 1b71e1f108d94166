import { Args } from '@oclif/core'
import { OrchCommand } from '../cli/base-command.js'
import { renderAgents } from '../cli/render-agents.js'
import type { ResultOf } from '../core/protocol/methods.js'

export default class Stop extends OrchCommand<ResultOf<'agents.stop'>> {
  static override summary = 'Stop an agent (or all): its signal to the whole process group, SIGKILL after killTimeout; returns when the group is gone.'
  static override examples = ['<%= config.bin %> stop agent_1', '<%= config.bin %> stop worker:2', '<%= config.bin %> stop all']
  static override args = {
    target: Args.string({ description: 'agent name, instance (name:N), or all', required: true }),
  }

  async run(): Promise<ResultOf<'agents.stop'>> {
    const { args } = await this.parse(Stop)
    const result = await (await this.daemon()).call('agents.stop', { target: args.target })
    if (!this.jsonEnabled()) this.log(renderAgents(result))
    return result
  }
}
