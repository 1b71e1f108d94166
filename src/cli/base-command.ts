import { format } from 'node:util'
import { Command } from '@oclif/core/command'
import type { Input, OutputArgs, OutputFlags, ParserOutput } from '@oclif/core/interfaces'
import type { DaemonClient } from '../core/client/daemon-client.js'
import { OrchError } from '../core/errors/orch-error.js'
import { orchPaths, type OrchPaths } from '../core/paths.js'
import { CliErrorCode } from './cli-error-codes.js'
import { colourEnabled, paint, terminalColumns } from './colour.js'
import { safeText } from './safe-text.js'
import { UsageError } from './usage-error.js'

/** What `--json` prints on failure: one document, whatever failed (a usage error, the daemon, a bug). */
export interface ErrorJson {
  error: { code: string; message: string }
}

/**
 * Every orch command: `--json`, one way to reach the daemon, and one place
 * where errors become what a person reads (core throws; commands present).
 */
export abstract class OrchCommand<T> extends Command {
  static override enableJsonFlag = true
  private connection: DaemonClient | null = null

  protected get paths(): OrchPaths {
    return orchPaths()
  }

  /** The daemon client; starts the daemon unless `start` is false, then null means none runs. */
  protected async daemon(opts?: { start: true; env?: Record<string, string> }): Promise<DaemonClient>
  protected async daemon(opts: { start: false }): Promise<DaemonClient | null>
  protected async daemon(opts: { start: boolean; env?: Record<string, string> } = { start: true }): Promise<DaemonClient | null> {
    if (this.connection) return this.connection
    const { connectIfRunning, ensureDaemon } = await import('../core/client/ensure-daemon.js')
    this.connection = opts.start ? (await ensureDaemon(this.paths, opts.env)).client : await connectIfRunning(this.paths)
    return this.connection
  }

  abstract override run(): Promise<T>

  /** How human output looks on stdout: colour and the terminal's width on a terminal, neither in a pipe (see colour.ts). */
  protected get display(): { colour: boolean; width?: number } {
    return { colour: colourEnabled(process.stdout), width: terminalColumns(process.stdout) }
  }

  /** Human output only (oclif prints --json apart): control characters from agents and clients are escaped. */
  override log(message = '', ...args: unknown[]): void {
    super.log(safeText(format(message, ...args)))
  }

  /** Human output that is escaped already, cell by cell (a table with colours): printed as it is. */
  protected logEscaped(text: string): void {
    super.log(text)
  }

  override logToStderr(message = '', ...args: unknown[]): void {
    super.logToStderr(safeText(format(message, ...args)))
  }

  /** Anything the parser throws (a missing argument, an unknown flag, a flag value its parser refused) is a usage error. */
  protected override async parse<F extends OutputFlags<any>, B extends OutputFlags<any>, A extends OutputArgs<any>>(
    options?: Input<F, B, A>,
    argv?: string[],
  ): Promise<ParserOutput<F, B, A>> {
    try {
      return await super.parse(options, argv)
    } catch (err) {
      throw UsageError.fromParse(err, this.id?.replaceAll(':', ' ') ?? '')
    }
  }

  protected override async catch(err: Error & { exitCode?: number }): Promise<unknown> {
    let shown: Error & { code?: unknown; exitCode?: number; oclif?: { exit?: number }; skipOclifErrorHandling?: boolean } = err
    if (err instanceof OrchError) {
      const exitCode = (err as { exitCode?: number }).exitCode ?? 1
      // exitCode: --json's exit status; oclif.exit: the status oclif's handler exits with otherwise
      shown = Object.assign(new Error(err.message), { code: err.code, exitCode, oclif: { exit: exitCode } })
    }
    if (this.jsonEnabled() || typeof shown.message !== 'string' || shown.message === '') return super.catch(shown)
    // an error can quote what a client or an agent sent: it reaches the terminal escaped (--json keeps it whole);
    // printed here, not by oclif, which wraps it at 80 columns in a pipe and indents it
    shown.message = safeText(shown.message)
    const colour = colourEnabled(process.stderr)
    const code = typeof shown.code === 'string' && shown.code.startsWith('E_') ? ` (${shown.code})` : ''
    process.stderr.write(`${paint('Error:', 'red', colour)} ${shown.message}${code}\n`)
    shown.skipOclifErrorHandling = true
    return super.catch(shown)
  }

  /** `{error: {code, message}}`, never oclif's internals: an error that is not orch's own is E_INTERNAL. */
  protected override toErrorJson(err: unknown): ErrorJson {
    const e = err as { code?: unknown; message?: unknown }
    const code = typeof e.code === 'string' && e.code.startsWith('E_') ? e.code : CliErrorCode.INTERNAL
    return { error: { code, message: typeof e.message === 'string' ? e.message : String(err) } }
  }

  protected override async finally(err: Error | undefined): Promise<unknown> {
    this.connection?.close()
    this.connection = null
    return super.finally(err)
  }
}
