import * as Flags from '@oclif/core/flags'
import { OrchCommand } from '../../cli/base-command.js'
import { renderDeadLetters } from '../../cli/render-messages.js'
import type { ResultOf } from '../../core/protocol/methods.js'

export default class QueueDead extends OrchCommand<ResultOf<'queue.dead'>> {
  static override summary = 'List dead letters (oldest first) with the error that killed each.'
  static override description =
    `A message is dead-lettered after maxAttempts failed deliveries (nack, lease timeout, recipient gone) or when its ` +
    `ttl runs out. Put it back with 'orch queue replay ID'; drop an agent's with 'orch queue purge AGENT'.`
  static override examples = ['<%= config.bin %> queue dead', '<%= config.bin %> queue dead --limit 10 --json']
  static override flags = {
    limit: Flags.integer({ description: 'most rows', default: 100, min: 0 }),
  }

  async run(): Promise<ResultOf<'queue.dead'>> {
    const { flags } = await this.parse(QueueDead)
    const dead = await (await this.daemon()).call('queue.dead', { limit: flags.limit })
    if (!this.jsonEnabled()) this.log(renderDeadLetters(dead))
    return dead
  }
}
