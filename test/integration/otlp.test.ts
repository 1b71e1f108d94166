import { createServer, type IncomingHttpHeaders, type Server } from 'node:http'
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { gunzipSync } from 'node:zlib'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { fixture, orch, orchJson, ROOT, useHomes, waitFor, writeConfig, type TestHome } from '../helpers/orch.js'

const home = useHomes()

/** A span as the test reads it, whatever encoding of ids (hex or base64) the exporter used. */
interface ReceivedSpan {
  traceId: string
  spanId: string
  parentSpanId: string
  name: string
  kind: number
  start: bigint
  end: bigint
  attributes: Record<string, string | number | boolean>
  status: { code?: number; message?: string }
  resource: Record<string, string | number | boolean>
}

type OtlpValue = { stringValue?: string; intValue?: string | number; boolValue?: boolean; doubleValue?: number }
type OtlpAttr = { key: string; value: OtlpValue }

const hexId = (id: unknown): string => {
  if (typeof id !== 'string' || id === '') return ''
  return /^[0-9a-f]+$/.test(id) && (id.length === 32 || id.length === 16) ? id : Buffer.from(id, 'base64').toString('hex')
}
const valueOf = (v: OtlpValue): string | number | boolean =>
  v.stringValue ?? (v.intValue !== undefined ? Number(v.intValue) : (v.boolValue ?? v.doubleValue ?? ''))
const attrs = (list: OtlpAttr[] | undefined): Record<string, string | number | boolean> => Object.fromEntries((list ?? []).map((a) => [a.key, valueOf(a.value)]))

/** A small OTLP/HTTP JSON receiver: POST /v1/traces, as Jaeger, Tempo or Langfuse take it. */
class Receiver {
  readonly spans: ReceivedSpan[] = []
  readonly requests: Array<{ path: string; contentType: string; headers: IncomingHttpHeaders }> = []
  private server!: Server

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = []
      req.on('data', (c: Buffer) => chunks.push(c))
      req.on('end', () => {
        let body = Buffer.concat(chunks)
        if (req.headers['content-encoding'] === 'gzip') body = gunzipSync(body)
        this.requests.push({ path: req.url ?? '', contentType: req.headers['content-type'] ?? '', headers: req.headers })
        const doc = JSON.parse(body.toString('utf8')) as {
          resourceSpans: Array<{ resource?: { attributes?: OtlpAttr[] }; scopeSpans: Array<{ spans: Array<Record<string, unknown>> }> }>
        }
        for (const rs of doc.resourceSpans) {
          const resource = attrs(rs.resource?.attributes)
          for (const ss of rs.scopeSpans) {
            for (const s of ss.spans) {
              this.spans.push({
                traceId: hexId(s.traceId),
                spanId: hexId(s.spanId),
                parentSpanId: hexId(s.parentSpanId),
                name: s.name as string,
                kind: s.kind as number,
                start: BigInt(s.startTimeUnixNano as string),
                end: BigInt(s.endTimeUnixNano as string),
                attributes: attrs(s.attributes as OtlpAttr[]),
                status: (s.status ?? {}) as ReceivedSpan['status'],
                resource,
              })
            }
          }
        }
        res.writeHead(200, { 'content-type': 'application/json' })
        res.end('{}')
      })
    })
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve))
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()))
  }
}

const SPY = fixture('otel-load-spy.mjs')
const FAST = { startGrace: '100ms', backoff: { initial: '10ms' } }
const saved = { ...process.env }
let receiver: Receiver

beforeEach(() => {
  receiver = new Receiver()
  // batches leave every 100 ms instead of 5 s, and an export gives up after 1 s (the standard OTel variables)
  process.env.OTEL_BSP_SCHEDULE_DELAY = '100'
  process.env.OTEL_EXPORTER_OTLP_TIMEOUT = '1000'
})

afterEach(async () => {
  for (const k of ['OTEL_BSP_SCHEDULE_DELAY', 'OTEL_EXPORTER_OTLP_TIMEOUT', 'NODE_OPTIONS', 'OTEL_SPY_FILE', 'ORCH_OTLP_ENDPOINT']) {
    if (saved[k] === undefined) delete process.env[k]
    else process.env[k] = saved[k]
  }
  await receiver.close().catch(() => {})
})

/** Every process started from here on (daemon, agents) notes in the returned file that it runs the spy and what of OpenTelemetry it imports. */
function spyOn(t: TestHome): string {
  const file = join(t.home, 'otel-spy.txt')
  process.env.OTEL_SPY_FILE = file
  process.env.NODE_OPTIONS = `${saved.NODE_OPTIONS ?? ''} --import=${pathToFileURL(SPY).href}`.trim()
  return file
}
const spyLines = (file: string): string[] => (existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : [])

function team(t: TestHome, extra: Record<string, unknown>): string {
  return writeConfig(
    t,
    [
      { name: 'worker', script: fixture('sdk-echo.js'), ...FAST },
      { name: 'coordinator', script: fixture('sdk-asker.js'), env: { PEER: 'worker', INTERVAL_MS: '150' }, dependsOn: ['worker'], ...FAST },
    ],
    extra,
  )
}

const daemonPid = (t: TestHome): number => Number(readFileSync(t.paths.pidFile, 'utf8'))

describe('OpenTelemetry spans over OTLP/HTTP', () => {
  it('exports a coordinator → worker → reply chain as one trace per conversation, with queue wait and handling as children', async () => {
    const t = home()
    const spy = spyOn(t)
    const endpoint = await receiver.start()
    await orchJson(['start', team(t, { otlp: { endpoint, headers: { Authorization: 'Basic b3JjaDpzZWNyZXQ=' } } })])

    // a request that was handled and whose reply was handled too, all exported
    const found = await waitFor(() => {
      for (const req of receiver.spans.filter((s) => s.attributes['orch.type'] === 'ask' && s.attributes['messaging.operation.type'] === 'send')) {
        const inTrace = receiver.spans.filter((s) => s.traceId === req.traceId)
        const reply = inTrace.find((s) => s.attributes['orch.type'] === 'ask.reply' && s.attributes['messaging.operation.type'] === 'send')
        const children = inTrace.filter((s) => s.parentSpanId === req.spanId && s !== reply)
        const replyChildren = reply ? inTrace.filter((s) => s.parentSpanId === reply.spanId) : []
        if (reply && children.length === 2 && replyChildren.length === 2) return { req, reply, children, replyChildren }
      }
      return null
    }, 'the spans of one request and its reply')
    const { req, reply, children, replyChildren } = found

    expect(receiver.requests[0]).toMatchObject({ path: '/v1/traces', contentType: expect.stringMatching(/^application\/json/) })
    expect(receiver.requests[0]!.headers.authorization).toBe('Basic b3JjaDpzZWNyZXQ=')
    expect(req.resource['service.name']).toBe('orch')

    // the trace id is the conversation's correlation id (a UUID) without its dashes
    const correlationId = req.attributes['messaging.message.conversation_id'] as string
    expect(correlationId).toMatch(/^[0-9a-f-]{36}$/)
    expect(req.traceId).toBe(correlationId.replace(/-/g, ''))
    expect(reply.traceId).toBe(req.traceId)
    expect(reply.attributes['messaging.message.conversation_id']).toBe(correlationId)

    // the request has no parent (asked from a timer); the reply's parent is the request it answers
    expect(req.parentSpanId).toBe('')
    expect(reply.parentSpanId).toBe(req.spanId)
    expect(reply.attributes['orch.parent_id']).toBe(req.attributes['messaging.message.id'])

    expect(req).toMatchObject({ name: 'ask → worker', kind: 4 /* PRODUCER */, status: { code: 0 } })
    expect(req.attributes).toMatchObject({
      'messaging.system': 'orch',
      'messaging.destination.name': 'worker',
      'orch.agent': 'worker',
      'orch.sender': 'coordinator',
      'orch.type': 'ask',
      'orch.priority': 0,
      'orch.attempts': 0,
      'orch.outcome': 'acked',
    })
    expect(reply).toMatchObject({ name: 'ask.reply → coordinator' })
    expect(reply.attributes).toMatchObject({ 'orch.agent': 'coordinator', 'orch.sender': 'worker', 'orch.type': 'ask.reply', 'orch.outcome': 'acked' })

    const wait = children.find((s) => s.name === 'queue wait')!
    const handle = children.find((s) => s.name === 'handle ask')!
    expect(wait.attributes).toMatchObject({ 'orch.agent': 'worker', 'orch.attempt': 1 })
    expect(handle).toMatchObject({ kind: 5 /* CONSUMER */ })
    expect(handle.attributes).toMatchObject({ 'orch.agent': 'worker', 'orch.attempt': 1, 'orch.outcome': 'acked', 'messaging.operation.type': 'process' })
    // stored → delivered → acked, inside the message's span
    expect(wait.start).toBe(req.start)
    expect(wait.end <= handle.start).toBe(true)
    expect(handle.end <= req.end).toBe(true)
    expect(replyChildren.map((s) => s.name).sort()).toEqual(['handle ask.reply', 'queue wait'])
    // the reply was sent while the request was being handled
    expect(reply.start >= handle.start && reply.start <= handle.end).toBe(true)

    // only the daemon loaded OpenTelemetry, and the spy saw it (the other test relies on the spy)
    const pid = daemonPid(t)
    const lines = spyLines(spy)
    expect(lines).toContain(`loaded ${pid}`)
    expect(lines.filter((l) => l.includes('@opentelemetry/')).every((l) => l.startsWith(`${pid} `))).toBe(true)
    expect(lines).toContain(`${pid} @opentelemetry/exporter-trace-otlp-http`)
  })

  it('gives nacked handlings and a dead-lettered message their outcome and error', async () => {
    const t = home()
    const endpoint = await receiver.start()
    await orchJson(['start', writeConfig(t, [{ name: 'failer', script: fixture('sdk-fail.js'), ...FAST }], { otlp: { endpoint } })])
    const [sent] = (await orchJson<{ ids: string[] }>(['send', 'failer', 'job', '{"n":1}'])).ids
    const message = await waitFor(
      () => receiver.spans.find((s) => s.attributes['messaging.message.id'] === sent && s.attributes['messaging.operation.type'] === 'send'),
      'the span of the dead message',
    )
    expect(message.attributes).toMatchObject({ 'orch.outcome': 'dead', 'orch.attempts': 5, 'orch.agent': 'failer', 'orch.sender': 'cli' })
    expect(message.status).toMatchObject({ code: 2 /* ERROR */, message: 'boom 4' })
    // no correlation id: the trace is the message's own
    expect(message.parentSpanId).toBe('')
    const handlings = await waitFor(() => {
      const h = receiver.spans.filter((s) => s.parentSpanId === message.spanId && s.name === 'handle job')
      return h.length === 5 && h
    }, 'five handlings')
    expect(handlings.map((h) => h.attributes['orch.attempt']).sort()).toEqual([1, 2, 3, 4, 5])
    for (const h of handlings) {
      expect(h.attributes['orch.outcome']).toBe('nacked')
      expect(h.status).toMatchObject({ code: 2, message: `boom ${Number(h.attributes['orch.attempt']) - 1}` })
      expect(h.traceId).toBe(message.traceId)
    }
    expect(receiver.spans.filter((s) => s.parentSpanId === message.spanId && s.name === 'queue wait')).toHaveLength(5)
  })

  it('loads no OpenTelemetry module and sends nothing when not configured', async () => {
    const t = home()
    const spy = spyOn(t)
    await receiver.start()
    await orchJson(['start', team(t, {})])
    const out = join(t.paths.logsDir, 'coordinator.out.log')
    await waitFor(() => existsSync(out) && readFileSync(out, 'utf8').includes('"answered"'), 'an answered request')
    const pid = daemonPid(t)
    await orchJson(['kill'])
    const lines = spyLines(spy)
    expect(lines).toContain(`loaded ${pid}`)
    expect(lines.filter((l) => l.includes('@opentelemetry/'))).toEqual([])
    expect(receiver.requests).toEqual([])
    expect(existsSync(join(t.paths.dataDir, 'otlp-settings.json'))).toBe(false)
    // the CLI bundle never names it; the daemon's only in the chunk it imports when configured
    const bundled = (dir: string) => readdirSync(join(ROOT, 'dist', dir)).filter((f) => f.endsWith('.js') && readFileSync(join(ROOT, 'dist', dir, f), 'utf8').includes('@opentelemetry/'))
    expect(bundled('cli')).toEqual([])
    // (earlier builds may have left older copies of that chunk)
    expect(bundled('daemon').length).toBeGreaterThan(0)
    for (const f of bundled('daemon')) expect(f).toMatch(/^otlp-exporter-[\w-]+\.js$/)
  })

  it('keeps the daemon and the team working when the endpoint is unreachable, and says so once', async () => {
    const t = home()
    // a port nobody listens on: the receiver's, closed again
    const endpoint = await receiver.start()
    await receiver.close()
    process.env.ORCH_OTLP_ENDPOINT = endpoint
    await orchJson(['start', team(t, {})])
    const out = join(t.paths.logsDir, 'coordinator.out.log')
    const answered = () => (existsSync(out) ? readFileSync(out, 'utf8').split('\n').filter((l) => l.includes('"answered"')).length : 0)
    const warnings = () => readFileSync(t.paths.daemonLog, 'utf8').split('\n').filter((l) => l.includes('cannot export spans over OTLP'))
    await waitFor(() => warnings().length > 0, 'the export failure in daemon.log')
    // later batches fail too, and are not logged again
    const after = answered()
    await waitFor(() => answered() >= after + 3, 'more answered requests')
    expect(warnings()).toHaveLength(1)
    expect(warnings()[0]).toContain(`${endpoint}/v1/traces`)
    const status = await orchJson<{ pid: number }>(['daemon', 'status'])
    expect(status.pid).toBe(daemonPid(t))
  })

  it('remembers the config’s otlp for the next daemon, and enabled: false turns it off', async () => {
    const t = home()
    const endpoint = await receiver.start()
    await orchJson(['start', writeConfig(t, [{ name: 'worker', script: fixture('sdk-echo.js'), ...FAST }], { otlp: { endpoint } })])
    const file = join(t.paths.dataDir, 'otlp-settings.json')
    await waitFor(() => existsSync(file), 'otlp-settings.json')
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ version: 1, otlp: { endpoint, headers: {} } })
    // headers may hold a secret
    expect(statSync(file).mode & 0o777).toBe(0o600)
    await orchJson(['daemon', 'restart'])
    await orchJson(['send', 'worker', 'after-restart'])
    await waitFor(() => receiver.spans.some((s) => s.name === 'after-restart → worker'), 'a span sent by the restarted daemon')

    await orchJson(['start', writeConfig(t, [{ name: 'worker', script: fixture('sdk-echo.js'), ...FAST }], { otlp: { endpoint, enabled: false } })])
    await waitFor(() => JSON.parse(readFileSync(file, 'utf8')).otlp === null, 'otlp: null remembered')
  })

  it('remembers a config’s otlp that the daemon already ran with from ORCH_OTLP_ENDPOINT', async () => {
    const t = home()
    const endpoint = await receiver.start()
    process.env.ORCH_OTLP_ENDPOINT = endpoint
    await orchJson(['start', writeConfig(t, [{ name: 'worker', script: fixture('sdk-echo.js'), ...FAST }], { otlp: { endpoint } })])
    const file = join(t.paths.dataDir, 'otlp-settings.json')
    await waitFor(() => existsSync(file), 'otlp-settings.json')
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ version: 1, otlp: { endpoint, headers: {} } })
  })

  it('refuses an endpoint that is not a URL and an unknown otlp field, naming them', async () => {
    const t = home()
    const agents = [{ name: 'worker', script: fixture('sdk-echo.js') }]
    const bad = await orch(['start', writeConfig(t, agents, { otlp: { endpoint: 'localhost:4318' } })])
    expect(bad.error?.message).toMatch(/invalid config/)
    expect(bad.error!.message).toContain(`field 'otlp.endpoint' must be an http:// or https:// URL such as 'http://127.0.0.1:4318', got "localhost:4318"`)
    const typo = await orch(['start', writeConfig(t, agents, { otlp: { endpoint: 'http://127.0.0.1:4318', header: {} } })])
    expect(typo.error?.message).toContain("unknown field 'otlp.header' (did you mean 'headers'?)")
    const missing = await orch(['start', writeConfig(t, agents, { otlp: {} })])
    expect(missing.error?.message).toMatch(/field 'otlp\.endpoint' is required/)
    // nothing was started from the refused configs
    expect(await orchJson<unknown[]>(['ls'])).toEqual([])
  })

  it('ignores an ORCH_OTLP_ENDPOINT that is not a URL, saying why in daemon.log', async () => {
    const t = home()
    process.env.ORCH_OTLP_ENDPOINT = 'localhost:4318'
    await orchJson(['start', writeConfig(t, [{ name: 'worker', script: fixture('sdk-echo.js'), ...FAST }])])
    const log = readFileSync(t.paths.daemonLog, 'utf8')
    expect(log).toContain("ORCH_OTLP_ENDPOINT must be an http:// or https:// URL such as 'http://127.0.0.1:4318', got 'localhost:4318'; ignored")
    expect(log).not.toContain('exporting message spans over OTLP')
  })
})
