import { OrchCommand } from '../cli/base-command.js'
import type { ResultOf } from '../core/protocol/methods.js'

export default class Resurrect extends OrchCommand<ResultOf<'agents.resurrect'>> {
  static override summary = 'Start the agents that were running (saved in $ORCH_HOME/desired.json at every change), e.g. after a reboot or orch kill.'
  static override examples = ['<%= config.bin %> resurrect']

  async run(): Promise<ResultOf<'agents.resurrect'>> {
    await this.parse(Resurrect)
    const result = await (await this.daemon()).call('agents.resurrect', {})
    if (!this.jsonEnabled()) this.log(result.started.length > 0 ? `resurrected ${result.started.join(', ')}` : 'nothing to resurrect')
    return result
  }
}
