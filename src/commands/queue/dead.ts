import * as Flags from '@oclif/core/flags'
import { OrchCommand } from '../../cli/base-command.js'
import { renderDeadLetters } from '../../cli/render-messages.js'
import type { WireMessage } from '../../core/protocol/types.js'

export default class QueueDead extends OrchCommand<WireMessage[]> {
  static override summary = 'List dead letters (oldest first) with the error that killed each.'
  static override description =
    `A message is dead-lettered after maxAttempts failed deliveries (nack, lease timeout, recipient gone) or when its ` +
    `ttl runs out. Put it back with 'orch queue replay ID'; drop an agent's with 'orch queue purge AGENT'. ` +
    `--json prints the listed messages as an array.`
  static override examples = ['<%= config.bin %> queue dead', '<%= config.bin %> queue dead --limit 10 --json', '<%= config.bin %> queue dead --offset 100']
  static override flags = {
    limit: Flags.integer({ description: 'most rows', default: 100, min: 0 }),
    offset: Flags.integer({ description: 'skip the oldest N dead letters', default: 0, min: 0 }),
  }

  async run(): Promise<WireMessage[]> {
    const { flags } = await this.parse(QueueDead)
    const result = await (await this.daemon()).call('queue.dead', { limit: flags.limit, offset: flags.offset })
    if (!this.jsonEnabled()) this.log(renderDeadLetters(result, flags.offset))
    return result.dead
  }
}
