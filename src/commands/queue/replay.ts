import * as Args from '@oclif/core/args'
import { OrchCommand } from '../../cli/base-command.js'
import { shortId } from '../../cli/render-messages.js'
import type { ResultOf } from '../../core/protocol/methods.js'

export default class QueueReplay extends OrchCommand<ResultOf<'queue.replay'>> {
  static override summary = 'Put a dead letter (or all of them) back on the queue with attempts 0.'
  static override description =
    "ID is a message id as 'orch queue dead --json' prints it, or the 8-character prefix the tables show (any prefix " +
    "that names exactly one dead letter; the daemon resolves it among all of them). 'all' replays every dead letter. " +
    'A replayed message loses its ttl, so it cannot expire again at once.'
  static override examples = [
    '<%= config.bin %> queue replay 3f2a9c1e-5b7d-4c2e-9a41-0d6e8b7f1a23',
    '<%= config.bin %> queue replay 3f2a9c1e',
    '<%= config.bin %> queue replay all --json',
  ]
  static override args = {
    id: Args.string({ description: "message id, a unique prefix of one, or 'all'", required: true }),
  }

  async run(): Promise<ResultOf<'queue.replay'>> {
    const { args } = await this.parse(QueueReplay)
    // the daemon resolves a prefix among every dead letter, and says when it names none or several
    const result = await (await this.daemon()).call('queue.replay', { id: args.id })
    if (!this.jsonEnabled()) {
      this.log(args.id === 'all' ? `replayed ${result.replayed} dead letter${result.replayed === 1 ? '' : 's'}` : `replayed ${shortId(args.id)}`)
    }
    return result
  }
}
