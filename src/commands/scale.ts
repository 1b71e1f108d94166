import * as Args from '@oclif/core/args'
import { OrchCommand } from '../cli/base-command.js'
import { renderAgents } from '../cli/render-agents.js'
import { UsageError } from '../cli/usage-error.js'
import type { ResultOf } from '../core/protocol/methods.js'

export default class Scale extends OrchCommand<ResultOf<'agents.scale'>> {
  static override summary = 'Set how many instances an agent runs (N, +N or -N).'
  static override description =
    'New instances start when the agent runs, with its definition and environment; when the count goes down, the ' +
    'highest instances stop (their killSignal, then SIGKILL after killTimeout) and are forgotten, and what they held ' +
    'goes back to the queue. The config file is not changed: `orch start CONFIG` sets its own count again.'
  static override examples = ['<%= config.bin %> scale worker 4', '<%= config.bin %> scale worker +2', '<%= config.bin %> scale worker -1']
  static override args = {
    name: Args.string({ description: 'agent name', required: true }),
    count: Args.string({ description: 'the new number of instances, or +N / -N', required: true }),
  }

  async run(): Promise<ResultOf<'agents.scale'>> {
    const { args } = await this.parse(Scale)
    const m = /^([+-]?)(\d{1,4})$/.exec(args.count)
    if (!m) throw new UsageError(`count must be a number of instances (4) or a change (+2, -1), got ${JSON.stringify(args.count)}`)
    const n = Number(m[2])
    const params = m[1] === '' ? { name: args.name, instances: n } : { name: args.name, delta: m[1] === '-' ? -n : n }
    const result = await (await this.daemon()).call('agents.scale', params)
    if (!this.jsonEnabled()) {
      const parts = [`${args.name}: ${result.agents.length} instance${result.agents.length === 1 ? '' : 's'}`]
      if (result.started.length > 0) parts.push(`started ${result.started.join(', ')}`)
      if (result.removed.length > 0) parts.push(`stopped and removed ${result.removed.join(', ')}`)
      this.log(parts.join('; '))
      this.logEscaped(renderAgents(result.agents, this.display))
    }
    return result
  }
}
