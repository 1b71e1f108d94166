import * as Flags from '@oclif/core/flags'
import { OrchCommand } from '../cli/base-command.js'
import { definedEnv } from '../core/defined-env.js'
import { renderAgents } from '../cli/render-agents.js'
import { TARGET_ARGS } from '../cli/target-command.js'
import type { ResultOf } from '../core/protocol/methods.js'

export default class Reload extends OrchCommand<ResultOf<'agents.reload'>> {
  static override summary = 'Restart an agent (or all) instance by instance, each new process online before the old one stops.'
  static override description =
    'A rolling restart (pm2 reload): the agent never drops to zero processes. When a new process does not come online, its old one keeps running and the reload stops there (E_RELOAD_FAILED). ' +
    "New processes start with the agent's latest definition; --update-env gives them this shell's environment, as pm2's."
  static override examples = ['<%= config.bin %> reload worker', '<%= config.bin %> reload worker:2', '<%= config.bin %> reload all', 'API_KEY=new <%= config.bin %> reload worker --update-env']
  static override args = TARGET_ARGS
  static override flags = {
    'update-env': Flags.boolean({ description: "start the new processes with this shell's environment (kept for later restarts)" }),
  }

  async run(): Promise<ResultOf<'agents.reload'>> {
    const { args, flags } = await this.parse(Reload)
    const env = flags['update-env'] ? definedEnv() : undefined
    const result = await (await this.daemon()).call('agents.reload', { target: args.target, env })
    if (!this.jsonEnabled()) this.logEscaped(renderAgents(result, this.display))
    return result
  }
}
