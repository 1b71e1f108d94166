import * as Flags from '@oclif/core/flags'
import { OrchCommand } from '../cli/base-command.js'
import { definedEnv } from '../core/defined-env.js'
import { renderAgents } from '../cli/render-agents.js'
import { TARGET_ARGS } from '../cli/target-command.js'
import type { ResultOf } from '../core/protocol/methods.js'

export default class Restart extends OrchCommand<ResultOf<'agents.restart'>> {
  static override summary = 'Restart an agent (or all) with a fresh restart budget.'
  static override description =
    'The agent starts with its latest definition (what the last `orch start` of its config recorded) and the environment ' +
    "it was defined with; --update-env gives it this shell's environment from now on, as pm2's --update-env."
  static override examples = [
    '<%= config.bin %> restart agent_1',
    '<%= config.bin %> restart worker:2',
    '<%= config.bin %> restart all',
    'API_KEY=new <%= config.bin %> restart worker --update-env',
  ]
  static override args = TARGET_ARGS
  static override flags = {
    'update-env': Flags.boolean({ description: "start with this shell's environment (kept for later restarts)" }),
  }

  async run(): Promise<ResultOf<'agents.restart'>> {
    const { args, flags } = await this.parse(Restart)
    const env = flags['update-env'] ? definedEnv() : undefined
    const result = await (await this.daemon()).call('agents.restart', { target: args.target, env })
    if (!this.jsonEnabled()) this.logEscaped(renderAgents(result, this.display))
    return result
  }
}
