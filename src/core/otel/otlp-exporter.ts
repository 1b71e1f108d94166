/**
 * The only module that loads OpenTelemetry: imported dynamically by
 * tracing.ts when `otlp` is configured, so a daemon without it never loads
 * the packages. Spans are batched (BatchSpanProcessor: OTEL_BSP_* tune it)
 * and sent as OTLP/HTTP JSON; an export that fails drops its batch and is
 * logged, never thrown.
 */
import { DiagLogLevel, ROOT_CONTEXT, SpanKind, SpanStatusCode, TraceFlags, diag, trace } from '@opentelemetry/api'
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http'
import { resourceFromAttributes } from '@opentelemetry/resources'
import { BasicTracerProvider, BatchSpanProcessor, type IdGenerator, type ReadableSpan, type SpanExporter } from '@opentelemetry/sdk-trace-base'
import type { OtlpSettings } from '../config/types.js'
import type { SpanRecord, SpanSink } from './span-record.js'
import { tracesUrl } from './otlp-settings.js'

/** Warnings about exports (failed batches, spans dropped from a full queue): at most one per this many ms, with the count of those held back. */
export const EXPORT_WARN_EVERY_MS = 60_000

export interface ExportLog {
  warn(msg: string, fields?: Record<string, unknown>): void
  info(msg: string, fields?: Record<string, unknown>): void
}

/** One warning, then at most one per EXPORT_WARN_EVERY_MS: a backend that is down must not fill daemon.log. */
class WarnLimiter {
  private lastAt = -Infinity
  private heldBack = 0

  constructor(private readonly log: ExportLog) {}

  warn(msg: string, fields: Record<string, unknown> = {}): void {
    const now = Date.now()
    if (now - this.lastAt < EXPORT_WARN_EVERY_MS) {
      this.heldBack++
      return
    }
    this.log.warn(msg, this.heldBack > 0 ? { ...fields, warningsHeldBack: this.heldBack } : fields)
    this.lastAt = now
    this.heldBack = 0
  }
}

/** The SDK asks for ids; orch's come from its messages (trace-ids.ts), set just before each span starts. */
class GivenIds implements IdGenerator {
  traceId = ''
  spanId = ''
  generateTraceId(): string {
    return this.traceId
  }
  generateSpanId(): string {
    return this.spanId
  }
}

type ExportResult = Parameters<Parameters<SpanExporter['export']>[1]>[0]

/** The OTLP exporter, with failures logged (rate-limited) and a recovery noted. */
class LoggedExporter implements SpanExporter {
  private failing = false
  private dropped = 0

  constructor(
    private readonly inner: OTLPTraceExporter,
    private readonly url: string,
    private readonly log: ExportLog,
    private readonly limiter: WarnLimiter,
  ) {}

  export(spans: ReadableSpan[], done: (result: ExportResult) => void): void {
    this.inner.export(spans, (result) => {
      if (result.code === 0) this.succeeded()
      else this.failed(result.error, spans.length)
      done(result)
    })
  }

  private succeeded(): void {
    if (!this.failing) return
    this.failing = false
    this.log.info('exporting spans again', { url: this.url })
  }

  private failed(err: Error | undefined, spans: number): void {
    this.failing = true
    this.dropped += spans
    this.limiter.warn('cannot export spans over OTLP; their batch is dropped, later batches are tried', {
      url: this.url,
      spansDroppedSoFar: this.dropped,
      err: err?.message ?? 'unknown error',
    })
  }

  shutdown(): Promise<void> {
    return this.inner.shutdown()
  }

  forceFlush(): Promise<void> {
    return this.inner.forceFlush()
  }
}

/** OpenTelemetry's own warnings and errors (spans dropped from a full queue, a bad OTEL_* variable) go to daemon.log, rate-limited. */
function routeDiagnostics(limiter: WarnLimiter): void {
  const note = (message: string) => limiter.warn(`OpenTelemetry: ${message}`)
  const quiet = () => {}
  diag.setLogger({ error: note, warn: note, info: quiet, debug: quiet, verbose: quiet }, { logLevel: DiagLogLevel.WARN, suppressOverrideMessage: true })
}

const KINDS: Record<SpanRecord['kind'], SpanKind> = {
  producer: SpanKind.PRODUCER,
  consumer: SpanKind.CONSUMER,
  internal: SpanKind.INTERNAL,
}

export function createOtlpSink(settings: OtlpSettings, log: ExportLog, version: string): SpanSink {
  const url = tracesUrl(settings.endpoint)
  const ids = new GivenIds()
  const limiter = new WarnLimiter(log)
  routeDiagnostics(limiter)
  const exporter = new LoggedExporter(new OTLPTraceExporter({ url, headers: settings.headers }), url, log, limiter)
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'orch', 'service.version': version }),
    idGenerator: ids,
    spanProcessors: [new BatchSpanProcessor(exporter)],
  })
  const tracer = provider.getTracer('orch', version)
  return {
    record(s: SpanRecord): void {
      ids.traceId = s.traceId
      ids.spanId = s.spanId
      const parent = s.parentSpanId
        ? trace.setSpanContext(ROOT_CONTEXT, { traceId: s.traceId, spanId: s.parentSpanId, traceFlags: TraceFlags.SAMPLED, isRemote: true })
        : ROOT_CONTEXT
      const span = tracer.startSpan(s.name, { kind: KINDS[s.kind], startTime: s.start, attributes: s.attributes }, parent)
      if (s.error !== undefined) span.setStatus({ code: SpanStatusCode.ERROR, message: s.error })
      span.end(s.end)
    },
    shutdown: () => provider.shutdown(),
  }
}
