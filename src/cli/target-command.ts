import * as Args from '@oclif/core/args'
import type { ResultOf } from '../core/protocol/methods.js'
import { OrchCommand } from './base-command.js'

type TargetMethod = 'agents.stop' | 'agents.delete'

/** The one argument of a target command. oclif reads a command's own static `args` only, so each subclass sets it. */
export const TARGET_ARGS = {
  target: Args.string({ description: 'agent name, instance (name:N), or all', required: true }),
}

/** `orch VERB NAME|name:N|all`: one daemon call on a target, then a rendering of its result. */
export abstract class TargetCommand<M extends TargetMethod> extends OrchCommand<ResultOf<M>> {

  protected abstract readonly method: M
  /** The human view, escaped already (tables escape their cells): printed as it is. */
  protected abstract render(result: ResultOf<M>): string

  async run(): Promise<ResultOf<M>> {
    const { args } = await this.parse()
    const result = (await (await this.daemon()).call(this.method, { target: args.target as string })) as ResultOf<M>
    if (!this.jsonEnabled()) this.logEscaped(this.render(result))
    return result
  }
}
