import type { Hook } from '@oclif/core/hooks'
import { ExitError } from '@oclif/core/errors'
import { CliErrorCode, USAGE_EXIT_CODE } from './cli-error-codes.js'
import { unknownCommand } from './did-you-mean.js'
import { safeCell } from './safe-text.js'

/**
 * oclif's `command_not_found` hook: `orch stpo` says `unknown command 'stpo';
 * did you mean 'stop'?` instead of oclif's `command stpo not found` (which
 * shows its internal `reload:worker` for `orch reload worker`). With --json,
 * one `{error: {code, message}}` document on stdout. Exits 2, as a usage error.
 */
export const commandNotFound: Hook<'command_not_found'> = async function (opts) {
  const ids = opts.config.commands.filter((c) => !c.hidden).flatMap((c) => [c.id, ...c.aliases])
  const words = [...opts.id.split(':'), ...(opts.argv ?? []).filter((a) => !a.startsWith('-'))]
  const { typed, suggestion } = unknownCommand(words, ids)
  const bin = opts.config.bin
  const message = `unknown command '${typed}'${suggestion ? `; did you mean '${suggestion}'?` : ''} (see '${bin} --help' for the list of commands)`
  const argv = opts.argv ?? []
  const end = argv.indexOf('--')
  if (argv.slice(0, end === -1 ? undefined : end).includes('--json')) {
    process.stdout.write(`${JSON.stringify({ error: { code: CliErrorCode.UNKNOWN_COMMAND, message } }, null, 2)}\n`)
  } else {
    process.stderr.write(`Error: ${safeCell(message)}\n`)
  }
  throw new ExitError(USAGE_EXIT_CODE)
}
