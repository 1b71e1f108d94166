import * as Args from '@oclif/core/args'
import { OrchCommand } from '../../cli/base-command.js'
import type { ResultOf } from '../../core/protocol/methods.js'

export default class QueuePurge extends OrchCommand<ResultOf<'queue.purge'>> {
  static override summary = "Delete an agent's pending and dead messages; messages in flight stay until acked or failed."
  static override examples = ['<%= config.bin %> queue purge worker', '<%= config.bin %> queue purge worker --json']
  static override args = {
    agent: Args.string({ description: 'agent name (covers all its instances)', required: true }),
  }

  async run(): Promise<ResultOf<'queue.purge'>> {
    const { args } = await this.parse(QueuePurge)
    const result = await (await this.daemon()).call('queue.purge', { agent: args.agent })
    if (!this.jsonEnabled()) this.log(`purged ${result.purged} message${result.purged === 1 ? '' : 's'} of ${args.agent}`)
    return result
  }
}
