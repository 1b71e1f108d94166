import { format } from 'node:util'
import { Command } from '@oclif/core/command'
import type { DaemonClient } from '../core/client/daemon-client.js'
import { OrchError } from '../core/errors/orch-error.js'
import { orchPaths, type OrchPaths } from '../core/paths.js'
import { safeText } from './safe-text.js'

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

  /** Human output only (oclif prints --json apart): control characters from agents and clients are escaped. */
  override log(message = '', ...args: unknown[]): void {
    super.log(safeText(format(message, ...args)))
  }

  override logToStderr(message = '', ...args: unknown[]): void {
    super.logToStderr(safeText(format(message, ...args)))
  }

  protected override async catch(err: Error & { exitCode?: number }): Promise<unknown> {
    let shown = err
    if (err instanceof OrchError) shown = Object.assign(new Error(err.message), { code: err.code, exitCode: 1 })
    // an error can quote what a client or an agent sent: it reaches the terminal escaped, and --json keeps it whole
    if (!this.jsonEnabled() && typeof shown.message === 'string') shown.message = safeText(shown.message)
    return super.catch(shown)
  }

  protected override async finally(err: Error | undefined): Promise<unknown> {
    this.connection?.close()
    this.connection = null
    return super.finally(err)
  }
}
