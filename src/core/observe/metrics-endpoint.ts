import type { Logger } from '../log/logger.js'
import type { MetricsSnapshot } from '../protocol/types.js'
import type { MetricsServer } from './metrics-server.js'
import { isLoopback, METRICS_ENV, parseMetricsEnv, readMetricsSettings, writeMetricsSettings, type MetricsAddress } from './metrics-settings.js'

const same = (a: MetricsAddress | null, b: MetricsAddress | null): boolean => a?.host === b?.host && a?.port === b?.port

/**
 * Owns `/metrics`: which address it is served on (ORCH_METRICS at start, else
 * what the last config set), the HTTP server (and the text writer), both
 * imported only once something asks for them, and the file that remembers
 * the setting. Changes run one at a time, in order.
 */
export class MetricsEndpoint {
  private server: MetricsServer | null = null
  private address: MetricsAddress | null = null
  private chain: Promise<void> = Promise.resolve()

  constructor(
    private readonly snapshot: () => MetricsSnapshot,
    private readonly settingsFile: string,
    private readonly log: Logger,
  ) {}

  /** The URL served now, or null. */
  get url(): string | null {
    return this.server?.url ?? null
  }

  /** At daemon start: ORCH_METRICS when set (a bad value is logged and ignored), else the remembered setting. */
  async start(env: string | undefined = process.env[METRICS_ENV]): Promise<void> {
    const fromEnv = parseMetricsEnv(env)
    if (fromEnv && 'error' in fromEnv) this.log.warn(`ignored ${METRICS_ENV}`, { error: fromEnv.error })
    const wanted =
      fromEnv !== undefined && !(fromEnv && 'error' in fromEnv)
        ? fromEnv
        : await readMetricsSettings(this.settingsFile, (why) => this.log.warn('cannot read the metrics settings', { why }))
    if (wanted) await this.set(wanted, { remember: false })
  }

  /** A config's `metrics`: served (or stopped) now, and remembered for the next start. */
  configure(address: MetricsAddress | null): Promise<void> {
    return this.set(address, { remember: true })
  }

  private set(address: MetricsAddress | null, opts: { remember: boolean }): Promise<void> {
    const step = this.chain.then(async () => {
      if (opts.remember) {
        await writeMetricsSettings(this.settingsFile, address).catch((err) =>
          this.log.error('cannot remember the metrics settings; the next daemon start uses the previous ones', { err }),
        )
      }
      if (same(address, this.address) && (this.server || !address)) return
      await this.stopServer()
      this.address = address
      if (address) await this.serve(address)
    })
    this.chain = step.catch(() => {})
    return step
  }

  private async serve(address: MetricsAddress): Promise<void> {
    if (!isLoopback(address.host)) {
      this.log.warn('metrics served on a non-loopback address: whoever reaches it reads agent names, counts and usage', { host: address.host, port: address.port })
    }
    try {
      const [{ startMetricsServer }, { prometheusText }] = await Promise.all([import('./metrics-server.js'), import('./prometheus-text.js')])
      this.server = await startMetricsServer(address, () => prometheusText(this.snapshot()), this.log)
      this.log.info('metrics served', { url: this.server.url })
    } catch (err) {
      // a port in use must not take the daemon (or the config being applied) down
      this.log.error('cannot serve metrics', { host: address.host, port: address.port, err })
    }
  }

  private async stopServer(): Promise<void> {
    const server = this.server
    this.server = null
    if (!server) return
    await server.close()
    this.log.info('metrics no longer served', { url: server.url })
  }

  /** The daemon is stopping. */
  close(): Promise<void> {
    const step = this.chain.then(() => this.stopServer())
    this.chain = step.catch(() => {})
    return step
  }
}
