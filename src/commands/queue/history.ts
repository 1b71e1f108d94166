import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'
import { OrchCommand } from '../../cli/base-command.js'
import { renderHistory } from '../../cli/render-trace.js'
import type { TracedMessage } from '../../core/history/trace.js'

export default class QueueHistory extends OrchCommand<TracedMessage[]> {
  static override summary = 'List recently finished messages (acked or dead), most recent first.'
  static override description =
    `From the message history (config 'history': the last 100,000 events or 7 days by default, kept across daemon ` +
    `restarts). Each row: who sent it, the instance that handled it, outcome, attempts, when it ended, and how long it ` +
    `waited, was handled and took in all. Follow one with 'orch trace ID'. --json prints the messages with their events.`
  static override examples = ['<%= config.bin %> queue history', '<%= config.bin %> queue history worker -n 20', '<%= config.bin %> queue history --json']
  static override args = {
    agent: Args.string({ description: 'only messages to this agent (a name, or an instance id such as worker:1)' }),
  }
  static override flags = {
    lines: Flags.integer({ char: 'n', description: 'most rows', default: 50, min: 0 }),
  }

  async run(): Promise<TracedMessage[]> {
    const { args, flags } = await this.parse(QueueHistory)
    const { messages } = await (await this.daemon()).call('history.list', { ...(args.agent !== undefined ? { agent: args.agent } : {}), limit: flags.lines })
    if (!this.jsonEnabled()) this.log(renderHistory(messages))
    return messages
  }
}
