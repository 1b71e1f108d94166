import { OrchCommand } from '../cli/base-command.js'
import { renderAgents } from '../cli/render-agents.js'
import type { AgentInfo } from '../core/protocol/types.js'

export default class Ls extends OrchCommand<AgentInfo[]> {
  static override summary = 'List agents: name, type, status, pid, uptime, restarts, cpu, memory, inbox, in flight.'
  static override description =
    'On a terminal the status is coloured (online green, errored red, stopped grey, starting/stopping/backoff yellow) ' +
    "and a line fits the terminal's width ('restarts' heads as '↺', then long names are cut with '…'); in a pipe, " +
    'or with NO_COLOR, no colour and whole names (FORCE_COLOR forces colour). Memory is in binary units (40.7 MiB). ' +
    "inbox: messages waiting for the instance, its own plus its share of those sent to its agent's name (the rows of a " +
    'name add up to what waits for it); in flight: messages it holds, delivered and not yet acked.'
  static override aliases = ['list', 'status']
  static override examples = ['<%= config.bin %> ls', '<%= config.bin %> ls --json']

  async run(): Promise<AgentInfo[]> {
    await this.parse(Ls)
    const agents = await (await this.daemon()).call('agents.list', {})
    if (!this.jsonEnabled()) this.logEscaped(renderAgents(agents, this.display))
    return agents
  }
}
