import { existsSync } from 'node:fs'
import { resolve } from 'node:path'
import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'
import { OrchCommand } from '../cli/base-command.js'
import type { ResultOf } from '../core/protocol/methods.js'
import { renderAgents } from '../cli/render-agents.js'

export default class Start extends OrchCommand<ResultOf<'agents.start'>> {
  static override summary = 'Start the agents of a config (or a known agent by name), starting the daemon if needed.'
  static override description =
    'With a config file (or none: ecosystem.config.* is searched from the current directory up), every agent it defines is ' +
    'started unless it already runs; start is idempotent by agent name. With the name of a known agent (or `all`), that ' +
    'agent is started again with a fresh restart budget, e.g. after it went to `errored`.'
  static override examples = [
    '<%= config.bin %> start',
    '<%= config.bin %> start ecosystem.config.ts',
    '<%= config.bin %> start ecosystem.config.ts --only worker',
    '<%= config.bin %> start worker',
  ]
  static override args = {
    target: Args.string({ description: 'config file, or the name of a known agent, or all' }),
  }
  static override flags = {
    only: Flags.string({ description: 'start only this agent of the config' }),
  }

  async run(): Promise<ResultOf<'agents.start'>> {
    const { args, flags } = await this.parse(Start)
    const cwd = process.cwd()
    const target = args.target
    const isFile = target !== undefined && (existsSync(resolve(cwd, target)) || /\.(ts|mts|js|mjs|cjs|json|ya?ml)$/.test(target))
    const client = await this.daemon()
    const result = await client.call(
      'agents.start',
      isFile || target === undefined ? { configPath: target ? resolve(cwd, target) : undefined, cwd, only: flags.only } : { target },
    )
    if (!this.jsonEnabled()) {
      const parts = [`started ${result.started.length}`]
      if (result.unchanged.length > 0) parts.push(`already running ${result.unchanged.length} (${result.unchanged.join(', ')})`)
      this.log(parts.join('; '))
      this.logEscaped(renderAgents(result.agents, this.display))
    }
    return result
  }
}
