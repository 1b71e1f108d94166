/** A finished span as orch describes it, before any OpenTelemetry code is loaded (see otlp-exporter.ts). */
export interface SpanRecord {
  /** 32 hex digits */
  traceId: string
  /** 16 hex digits */
  spanId: string
  parentSpanId?: string
  name: string
  kind: 'producer' | 'consumer' | 'internal'
  /** ms since the epoch */
  start: number
  end: number
  attributes: Record<string, string | number | boolean>
  /** set: the span's status is ERROR with this description */
  error?: string
}

/** Where finished spans go. */
export interface SpanSink {
  record(span: SpanRecord): void
  /** exports what is buffered; resolves when done or failed */
  shutdown(): Promise<void>
}
