import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'
import { OrchCommand } from '../../cli/base-command.js'
import { renderQueueListing } from '../../cli/render-messages.js'
import type { ResultOf } from '../../core/protocol/methods.js'

export default class QueueLs extends OrchCommand<ResultOf<'queue.ls'>> {
  static override summary = 'Show the queue: counts, then pending (in dispatch order), in-flight and dead messages.'
  static override description =
    'With AGENT, only the messages addressed to that agent and its instances. Counts are exact; each list shows at ' +
    'most --limit rows. Ids are shortened to their first 8 characters; --json gives them whole.'
  static override examples = ['<%= config.bin %> queue ls', '<%= config.bin %> queue ls worker --limit 20', '<%= config.bin %> queue ls --json']
  static override args = {
    agent: Args.string({ description: 'agent name; every agent when omitted' }),
  }
  static override flags = {
    limit: Flags.integer({ description: 'most rows per list', default: 100, min: 0 }),
    offset: Flags.integer({ description: 'skip the first N rows of each list', default: 0, min: 0 }),
  }

  async run(): Promise<ResultOf<'queue.ls'>> {
    const { args, flags } = await this.parse(QueueLs)
    const result = await (await this.daemon()).call('queue.ls', { ...(args.agent ? { agent: args.agent } : {}), limit: flags.limit, offset: flags.offset })
    if (!this.jsonEnabled()) this.log(renderQueueListing(result, args.agent, flags.offset))
    return result
  }
}
