import * as Args from '@oclif/core/args'
import { OrchCommand } from '../cli/base-command.js'
import { renderTrace } from '../cli/render-trace.js'
import { buildTraceTree, traceLogLines, type TraceTree } from '../cli/trace-tree.js'

export default class Trace extends OrchCommand<TraceTree> {
  static override summary = 'Show everything a message caused, across agents, as a tree.'
  static override description =
    `Give a message id (or its first 8+ characters, as 'orch queue ls' shows it) or a correlation id (the trace id the SDK ` +
    `passes on: a send made inside a handler carries the handled message's id as parentId and its correlation id). Each ` +
    `message shows its agent, type, outcome, attempts and times (queued, waited for a delivery, handled, total), with the ` +
    `log lines its handler wrote through the SDK logger. From the message history (config 'history'). --json prints the ` +
    `same tree: {traceId, roots: [{...message, logs, children}], logs}.`
  static override examples = ['<%= config.bin %> trace 3f2a9c1e', '<%= config.bin %> trace 3f2a9c1e-5b7d-4c1e-9a0b-2d4e6f8a0b1c --json']
  static override args = {
    id: Args.string({ description: 'a message id, an id prefix (8+ characters) or a correlation id', required: true }),
  }

  async run(): Promise<TraceTree> {
    const { args } = await this.parse(Trace)
    const { traceId, messages } = await (await this.daemon()).call('history.trace', { id: args.id })
    const instances = new Set<string>()
    for (const m of messages) {
      for (const who of [m.instance, m.from, m.to]) if (who !== undefined && !who.includes('.')) instances.add(who)
    }
    const logs = traceLogLines(this.paths, instances, traceId, new Set(messages.map((m) => m.id)))
    const tree = buildTraceTree(traceId, messages, logs)
    if (!this.jsonEnabled()) this.log(renderTrace(tree))
    return tree
  }
}
