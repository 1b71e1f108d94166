import { OrchError } from '../core/errors/orch-error.js'
import { CliErrorCode, USAGE_EXIT_CODE } from './cli-error-codes.js'

/** The command line does not fit the command: a missing argument, an unknown flag, a bad flag value. */
export class UsageError extends OrchError {
  readonly exitCode = USAGE_EXIT_CODE

  constructor(message: string) {
    super(CliErrorCode.USAGE, message)
  }

  /** From what oclif's parser threw while parsing `orch <command>`: its text made one line, without oclif's wording. */
  static fromParse(err: unknown, command: string): UsageError {
    return new UsageError(`${describeParseError(err)}; see 'orch ${command} --help'`)
  }
}

// oclif colours parts of some parse messages
const ANSI = /\u001b\[[0-9;]*m/g

function describeParseError(err: unknown): string {
  const e = err as { message?: unknown; args?: unknown; flags?: unknown }
  const text = String(e.message ?? err).replace(ANSI, '').replace(/\s*See more help with --help\s*$/, '')
  if (/^Missing \d+ required arg/.test(text) && Array.isArray(e.args)) {
    const names = (e.args as Array<{ name?: string; description?: string }>).map((a) => (a.description ? `${a.name} (${a.description})` : a.name))
    return `missing argument${names.length === 1 ? '' : 's'}: ${names.join(', ')}`
  }
  if (/^Nonexistent flags?:/.test(text)) return text.replace(/^Nonexistent flag(s?):/, 'unknown flag$1:')
  // a flag's parser failed: "Parsing --lines \n\tExpected an integer but received: abc"
  const parsing = /^Parsing (--\S+)\s*\n\s*([\s\S]*)$/.exec(text)
  if (parsing) return `${parsing[1]}: ${oneLine(parsing[2]!)}`
  return oneLine(text.replace(/^The following errors? occurred:/, ''))
}

function oneLine(text: string): string {
  const line = text.trim().replace(/\s*\n\s*/g, '; ')
  return line.charAt(0).toLowerCase() + line.slice(1)
}
