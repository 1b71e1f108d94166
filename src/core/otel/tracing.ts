import type { OtlpSettings } from '../config/types.js'
import type { Logger } from '../log/logger.js'
import { MAX_OPEN_MESSAGES, MessageSpans } from './message-spans.js'
import { tracesUrl, writeOtlpSettings } from './otlp-settings.js'
import type { SpanRecord, SpanSink } from './span-record.js'

type Queue = Parameters<MessageSpans['attach']>[0]

/** Spans kept while the exporter loads; past it they are dropped. */
const MAX_WAITING_SPANS = 2048
/** How long a daemon that stops waits for the last batch to go out. */
export const FLUSH_ON_STOP_MS = 1500

function same(a: OtlpSettings | null, b: OtlpSettings | null): boolean {
  return JSON.stringify(a) === JSON.stringify(b)
}

/**
 * Owns OpenTelemetry export (`otlp` in a config, or ORCH_OTLP_ENDPOINT at
 * start): while it is on, the queue's events become spans (message-spans.ts)
 * that go to the exporter (otlp-exporter.ts, imported on first use: a daemon
 * that never exports never loads OpenTelemetry). While it is off, nothing
 * listens to the queue. A failing exporter never reaches the queue or the
 * daemon: spans are dropped and the failure logged.
 */
export class Tracing {
  private settings: OtlpSettings | null = null
  /** what the settings file holds (undefined: no file) */
  private remembered: OtlpSettings | null | undefined = undefined
  private spans: MessageSpans | null = null
  private detach: (() => void) | null = null
  private sink: SpanSink | null = null
  private waiting: SpanRecord[] = []
  private generation = 0
  private written: Promise<void> = Promise.resolve()
  private recordFailed = false

  constructor(
    private readonly queue: Queue,
    private readonly log: Logger,
    private readonly file: string,
    private readonly version: string,
  ) {}

  /** At daemon start: the environment's, else what the last config set (`remembered`, in the settings file). */
  start(settings: OtlpSettings | null, remembered: OtlpSettings | null | undefined): void {
    this.remembered = remembered
    if (settings) this.apply(settings)
  }

  /** A config's `otlp` (null: `enabled: false`): applied at once and remembered for the next start. */
  set(settings: OtlpSettings | null): void {
    if (!same(settings, this.settings)) this.apply(settings)
    // (a daemon started with ORCH_OTLP_ENDPOINT may run with these settings already, without them on disk)
    if (this.remembered !== undefined && same(settings, this.remembered)) return
    this.remembered = settings
    this.written = this.written
      .then(() => writeOtlpSettings(this.file, settings))
      .catch((err) => this.log.error('cannot remember the otlp settings; the next start uses the previous ones until the next orch start', { err }))
  }

  private apply(settings: OtlpSettings | null): void {
    const generation = ++this.generation
    const old = this.sink
    this.sink = null
    this.settings = settings
    if (old) void this.stopSink(old)
    if (!settings) {
      this.detach?.()
      this.detach = null
      this.spans = null
      this.waiting = []
      this.log.info('OTLP span export off')
      return
    }
    if (!this.spans) {
      this.spans = new MessageSpans(
        (s) => this.record(s),
        Date.now,
        () => this.log.warn(`following ${MAX_OPEN_MESSAGES} unfinished messages for spans; from now on the oldest are forgotten (their spans are never sent)`),
      )
      this.detach = this.spans.attach(this.queue)
    }
    const url = tracesUrl(settings.endpoint)
    import('./otlp-exporter.js').then(
      (mod) => {
        if (generation !== this.generation) return
        this.sink = mod.createOtlpSink(settings, this.log, this.version)
        for (const s of this.waiting) this.record(s)
        this.waiting = []
      },
      (err: unknown) => {
        if (generation !== this.generation) return
        this.log.error('cannot load OpenTelemetry; message spans are not exported', { err })
        this.detach?.()
        this.detach = null
        this.spans = null
        this.waiting = []
      },
    )
    this.log.info('exporting message spans over OTLP', { url, headers: Object.keys(settings.headers) })
  }

  private record(span: SpanRecord): void {
    if (!this.sink) {
      if (this.waiting.length < MAX_WAITING_SPANS) this.waiting.push(span)
      return
    }
    try {
      this.sink.record(span)
    } catch (err) {
      if (this.recordFailed) return
      this.recordFailed = true
      this.log.error('cannot record a span; spans that fail so are dropped (logged once)', { err, span: span.name })
    }
  }

  /** Ends a sink, waiting for its last batch at most FLUSH_ON_STOP_MS. */
  private async stopSink(sink: SpanSink): Promise<void> {
    let timer: NodeJS.Timeout | undefined
    const late = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, FLUSH_ON_STOP_MS)
      timer.unref()
    })
    await Promise.race([sink.shutdown().catch((err) => this.log.warn('OTLP exporter shutdown failed', { err })), late])
    clearTimeout(timer)
  }

  /** Daemon shutdown: stops listening, sends what is batched (bounded), and waits for the settings file. */
  async close(): Promise<void> {
    this.generation++
    this.detach?.()
    this.detach = null
    const sink = this.sink
    this.sink = null
    if (sink) await this.stopSink(sink)
    await this.written
  }
}
