import * as Args from '@oclif/core/args'
import { OrchCommand } from '../../cli/base-command.js'
import { shortId } from '../../cli/render-messages.js'
import type { ResultOf } from '../../core/protocol/methods.js'

/** Enough to find a prefix among every dead letter: the daemon caps listings by `limit`. */
const ALL_DEAD = Number.MAX_SAFE_INTEGER

export default class QueueReplay extends OrchCommand<ResultOf<'queue.replay'>> {
  static override summary = 'Put a dead letter (or all of them) back on the queue with attempts 0.'
  static override description =
    "ID is a message id as 'orch queue dead --json' prints it, or the 8-character prefix the tables show (any prefix " +
    "that names exactly one dead letter). 'all' replays every dead letter. A replayed message loses its ttl, so it " +
    'cannot expire again at once.'
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
    const client = await this.daemon()
    let result = await client.call('queue.replay', { id: args.id })
    if (result.replayed === 0 && args.id !== 'all') {
      const matches = (await client.call('queue.dead', { limit: ALL_DEAD })).filter((m) => m.id.startsWith(args.id))
      if (matches.length === 0) {
        this.error(`no dead letter with id '${args.id}'; list them with: orch queue dead`, { exit: 1 })
      }
      if (matches.length > 1) {
        const ids = matches.slice(0, 5).map((m) => m.id).join(', ')
        this.error(`'${args.id}' is the start of ${matches.length} dead letters' ids (${ids}${matches.length > 5 ? ', …' : ''}); give more of the id`, { exit: 1 })
      }
      result = await client.call('queue.replay', { id: matches[0]!.id })
    }
    if (!this.jsonEnabled()) {
      this.log(args.id === 'all' ? `replayed ${result.replayed} dead letter${result.replayed === 1 ? '' : 's'}` : `replayed ${shortId(args.id)}`)
    }
    return result
  }
}
