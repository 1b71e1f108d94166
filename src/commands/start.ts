import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'
import { OrchCommand } from '../cli/base-command.js'
import { definedEnv } from '../core/defined-env.js'
import { describeStart } from '../cli/describe-start.js'
import { renderAgents } from '../cli/render-agents.js'
import { classifyStart } from '../cli/start-target.js'
import { UsageError } from '../cli/usage-error.js'
import type { ParamsOf, ResultOf } from '../core/protocol/methods.js'

export default class Start extends OrchCommand<ResultOf<'agents.start'>> {
  static override summary = 'Start the agents of a config, a script, or a known agent by name, starting the daemon if needed.'
  static override description =
    'With a config file (or none: ecosystem.config.* is searched from the current directory up), every agent it defines is ' +
    'started unless it already runs; start is idempotent by agent name. The config is evaluated in a short-lived process ' +
    "with this shell's environment and directory. A file that is not a config (not ecosystem*, *.config.*, .json or .yaml) " +
    'is a script, run as one agent like pm2 does (Node for .js/.ts, python3 for .py, bash for .sh, else the file itself); ' +
    'a quoted command line ("python3 agent.py") too. With the name of a known agent (or `all`), that agent is started ' +
    'again with a fresh restart budget, e.g. after it went to `errored`. Agents start with the environment of the ' +
    '`orch start` that defined them; --update-env gives them this shell\'s and restarts the running ones it changes.'
  static override examples = [
    '<%= config.bin %> start',
    '<%= config.bin %> start ecosystem.config.ts --only worker',
    '<%= config.bin %> start app.js --name api -i 4 -- --port 8080',
    '<%= config.bin %> start "python3 agent.py"',
    '<%= config.bin %> start worker',
    'API_KEY=new <%= config.bin %> start --update-env',
  ]
  // what follows `--` goes to the script
  static override strict = false
  static override args = {
    target: Args.string({ description: 'config file, script, quoted command line, the name of a known agent, or all' }),
  }
  static override flags = {
    only: Flags.string({ description: 'start only this agent of the config' }),
    name: Flags.string({ description: 'the agent name of a script (default: its file name)' }),
    instances: Flags.integer({ char: 'i', min: 1, max: 256, description: 'instances of a script (default 1)' }),
    'update-env': Flags.boolean({ description: "agents that exist already take this shell's environment; running ones it changes restart" }),
  }

  async run(): Promise<ResultOf<'agents.start'>> {
    const { args, flags, argv } = await this.parse(Start)
    const cwd = process.cwd()
    const extra = argumentsAfterDashes(this.argv, (argv as string[]).slice(args.target === undefined ? 0 : 1))
    const what = classifyStart(args.target, { name: flags.name, instances: flags.instances, args: extra }, cwd)
    if (what.kind !== 'agent' && (flags.name !== undefined || flags.instances !== undefined || extra.length > 0)) {
      throw new UsageError('--name, -i and arguments after -- apply to a script or a command line; a config names its agents itself')
    }
    if (what.kind !== 'search' && what.kind !== 'config' && flags.only !== undefined) throw new UsageError('--only picks an agent of a config')
    const common = { cwd, env: definedEnv(), updateEnv: flags['update-env'] || undefined }
    const params: ParamsOf<'agents.start'> =
      what.kind === 'name'
        ? { ...common, target: what.target }
        : what.kind === 'agent'
          ? { ...common, definition: what.definition }
          : { ...common, configPath: what.kind === 'config' ? what.path : undefined, only: flags.only }
    const result = await (await this.daemon()).call('agents.start', params)
    if (!this.jsonEnabled()) {
      for (const line of describeStart(result)) this.log(line)
      this.logEscaped(renderAgents(result.agents, this.display))
    }
    return result
  }
}

/**
 * The script's arguments: what follows `--` (as pm2). The parser is not
 * strict so that they pass; anything else it left over is a mistake.
 */
function argumentsAfterDashes(raw: string[], leftOver: string[]): string[] {
  const dashes = raw.indexOf('--')
  const after = dashes === -1 ? [] : raw.slice(dashes + 1)
  const stray = leftOver.slice(0, leftOver.length - after.length)
  const flag = stray.find((a) => a.startsWith('-'))
  if (flag) throw new UsageError(`unknown flag: ${flag}; see 'orch start --help'`)
  if (stray.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(stray[0])}; arguments for a script go after --: orch start app.js -- ${stray.join(' ')}`)
  return after
}
