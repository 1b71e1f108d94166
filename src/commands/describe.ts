import * as Args from '@oclif/core/args'
import { OrchCommand } from '../cli/base-command.js'
import { paint, statusColour } from '../cli/colour.js'
import { formatBytes, formatDuration, formatTime, table } from '../cli/format.js'
import { safeCell, safeText } from '../cli/safe-text.js'
import { ALWAYS_IGNORED } from '../core/daemon/watch-ignore.js'
import type { AgentDescription } from '../core/protocol/types.js'

/** What `orch describe all` prints when no agent is defined. */
export const NO_AGENTS = 'no agents; start some with: orch start ecosystem.config.ts'

/** Escaped throughout (fields and cells by safeCell, the definition by JSON.stringify), so printed as it is. */
function render(d: AgentDescription, colour: boolean): string {
  const field = (k: string, v: unknown): string => `${k.padEnd(12)} ${safeCell(String(v))}`
  const status = (s: string): string => paint(s, statusColour(s), colour)
  return [
    field('name', d.id),
    field('type', d.type),
    `${'status'.padEnd(12)} ${status(safeCell(d.status))}`,
    field('desired', d.desired),
    field('pid', d.pid ?? '-'),
    field('uptime', d.pid === null ? '-' : formatDuration(d.uptime)),
    field('restarts', d.restarts),
    field('cpu', d.pid === null ? '-' : `${d.cpu}%`),
    field('memory', d.pid === null ? '-' : formatBytes(d.memory)),
    field('inbox', d.inbox),
    field('in flight', d.inFlight),
    field('command', [d.command, ...d.args].join(' ')),
    field('cwd', d.cwd),
    field('config', d.configPath ?? '-'),
    field('out log', d.logs.out),
    field('err log', d.logs.err),
    field('watch', d.watch.length === 0 ? '-' : d.watch.join(', ')),
    ...(d.watch.length === 0 ? [] : [field('ignoreWatch', [...d.ignoreWatch, ...ALWAYS_IGNORED].join(', '))]),
    '',
    'definition',
    // JSON.stringify leaves U+2028 and bidi overrides as they are
    ...JSON.stringify(d.definition, null, 2).split('\n').map((l) => `  ${safeText(l)}`),
    '',
    'events',
    table(['time', 'from', 'to', 'reason'], d.events.map((e) => [formatTime(e.at), e.from ?? '-', e.to, e.reason]), {
      paint: (c, text) => (c === 1 || c === 2 ? status(text) : text),
    }),
    '',
    'usage',
    d.usage.length === 0
      ? '  (no samples)'
      : table(['time', 'cpu', 'memory'], d.usage.map((u) => [formatTime(u.at), `${u.cpu}%`, formatBytes(u.memory)])),
  ].join('\n')
}

export default class Describe extends OrchCommand<AgentDescription | AgentDescription[]> {
  static override summary = 'Show an agent: definition, state, the last 20 events with their reasons, resource history.'
  static override description = "'all' shows every instance (a list with --json, empty when no agent is defined)."
  static override examples = ['<%= config.bin %> describe agent_1', '<%= config.bin %> describe worker:1 --json', '<%= config.bin %> describe all']
  static override args = {
    name: Args.string({ description: "agent name, instance (name:N), or 'all'", required: true }),
  }

  async run(): Promise<AgentDescription | AgentDescription[]> {
    const { args } = await this.parse(Describe)
    const d = await (await this.daemon()).call('agents.describe', { name: args.name })
    if (this.jsonEnabled()) return d
    const all = Array.isArray(d) ? d : [d]
    const { colour } = this.display
    this.logEscaped(all.length === 0 ? NO_AGENTS : all.map((a) => render(a, colour)).join('\n\n'))
    return d
  }
}
