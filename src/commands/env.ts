import * as Args from '@oclif/core/args'
import { OrchCommand } from '../cli/base-command.js'
import { safeText } from '../cli/safe-text.js'
import type { ResultOf } from '../core/protocol/methods.js'

export default class Env extends OrchCommand<ResultOf<'agents.env'>> {
  static override summary = "Show an agent's environment: what its process runs with, or what its next start gets."
  static override description =
    "An agent starts with the environment of the `orch start` that defined it (that shell's variables), then its config's " +
    "`env`, then orch's own ORCH_* variables. `orch restart NAME --update-env` (or `orch start --update-env`) replaces the " +
    "shell's part with the current one. For a running process this reads what it was started with; orch's token is masked."
  static override examples = ['<%= config.bin %> env worker', '<%= config.bin %> env worker:1 --json']
  static override args = {
    name: Args.string({ description: 'agent name or instance (name:N)', required: true }),
  }

  async run(): Promise<ResultOf<'agents.env'>> {
    const { args } = await this.parse(Env)
    const result = await (await this.daemon()).call('agents.env', { name: args.name })
    if (this.jsonEnabled()) return result
    const many = result.length > 1
    for (const [i, inst] of result.entries()) {
      if (many || inst.pending) {
        if (i > 0) this.log('')
        const source = inst.source === 'process' ? `pid ${inst.pid}` : 'not running: what its next start gets'
        this.log(`# ${inst.id} (${source})`)
      }
      if (inst.pending) this.log(`# its definition or environment changed since it started: orch restart ${inst.id} applies it`)
      for (const [name, value] of Object.entries(inst.env)) this.logEscaped(safeText(`${name}=${value}`))
    }
    return result
  }
}
