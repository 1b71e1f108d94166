import { readFileSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import type { AgentInfo, MetricsSnapshot } from '../../src/core/protocol/types.js'
import { fixture, orch, orchJson, ROOT, useHomes, waitFor, writeConfig, type TestHome } from '../helpers/orch.js'
import { parsePrometheusText, valueOf, type Family } from '../helpers/prometheus.js'

const home = useHomes()

afterEach(() => {
  delete process.env.ORCH_METRICS
})

const snapshot = (): Promise<MetricsSnapshot> => orchJson<MetricsSnapshot>(['monit'])

async function scrape(url: string): Promise<Map<string, Family>> {
  const res = await fetch(url)
  expect(res.status).toBe(200)
  expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8')
  return parsePrometheusText(await res.text())
}

/** A port nothing listens on now (bound by the OS, then let go). */
async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}

/** What fetch gives when nothing listens: its cause is ECONNREFUSED. */
async function refused(url: string): Promise<boolean> {
  try {
    await fetch(url)
    return false
  } catch (err) {
    return (err as { cause?: { code?: string } }).cause?.code === 'ECONNREFUSED'
  }
}

function team(t: TestHome, extra: Record<string, unknown> = {}, name?: string): string {
  return writeConfig(
    t,
    [
      { name: 'echo', script: fixture('sdk-echo.js'), instances: 2 },
      { name: 'fail', script: fixture('sdk-fail.js') },
    ],
    extra,
    name,
  )
}

describe('/metrics', () => {
  it('serves the agents, the queue and the daemon in the text format; counters move with sends; histograms are cumulative', async () => {
    const t = home()
    await orchJson(['start', team(t, { metrics: { port: 0 } })])
    const url = (await waitFor(async () => (await snapshot()).endpoint, 'the endpoint'))!
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/)
    await waitFor(async () => (await orchJson<AgentInfo[]>(['ls'])).every((a) => a.status === 'online'), 'agents online')

    const before = await scrape(url)
    for (const f of before.values()) {
      expect(f.name).toMatch(/^orch_[a-z0-9_]+$/)
      expect(f.help).not.toBe('')
      if (f.type === 'counter') expect(f.name).toMatch(/_total$/)
    }
    // every instance has its gauges, labelled by agent and instance id
    for (const id of ['echo:0', 'echo:1', 'fail']) {
      const agent = id.split(':')[0]!
      expect(valueOf(before, 'orch_agent_status', { agent_id: id, status: 'online' })).toBe(1)
      expect(valueOf(before, 'orch_agent_status', { agent_id: id, status: 'errored' })).toBe(0)
      expect(valueOf(before, 'orch_agent_up', { agent, agent_id: id })).toBe(1)
      expect(valueOf(before, 'orch_agent_restarts_total', { agent_id: id })).toBe(0)
      expect(valueOf(before, 'orch_agent_uptime_seconds', { agent_id: id })).toBeGreaterThan(0)
      expect(valueOf(before, 'orch_agent_cpu_ratio', { agent_id: id })).toBeGreaterThanOrEqual(0)
      expect(valueOf(before, 'orch_agent_pending_messages', { agent_id: id })).toBe(0)
      expect(valueOf(before, 'orch_agent_in_flight_messages', { agent_id: id })).toBe(0)
    }
    await waitFor(async () => ((valueOf(await scrape(url), 'orch_agent_memory_bytes', { agent_id: 'fail' }) ?? 0) > 0), 'a memory sample')
    // counters exist at 0 for every agent before any message
    expect(valueOf(before, 'orch_messages_sent_total', { agent: 'echo' })).toBe(0)
    expect(valueOf(before, 'orch_messages_acked_total', { agent: 'fail' })).toBe(0)
    expect(valueOf(before, 'orch_daemon_resident_memory_bytes')).toBeGreaterThan(0)
    expect(valueOf(before, 'orch_daemon_cpu_seconds_total')).toBeGreaterThan(0)
    expect(valueOf(before, 'orch_daemon_event_loop_lag_seconds')).toBeGreaterThanOrEqual(0)

    for (let i = 0; i < 3; i++) await orchJson(['send', 'echo', 'work', String(i)])
    await orchJson(['send', 'fail', 'work', '{}'])
    const after = await waitFor(async () => {
      const m = await scrape(url)
      return valueOf(m, 'orch_messages_acked_total', { agent: 'echo' }) === 3 && valueOf(m, 'orch_messages_dead_lettered_total', { agent: 'fail' }) === 1 ? m : null
    }, 'three acks and a dead letter')
    expect(valueOf(after, 'orch_messages_sent_total', { agent: 'echo' })).toBe(3)
    expect(valueOf(after, 'orch_messages_delivered_total', { agent: 'echo' })).toBe(3)
    expect(valueOf(after, 'orch_messages_nacked_total', { agent: 'echo' })).toBe(0)
    expect(valueOf(after, 'orch_messages_sent_total', { agent: 'fail' })).toBe(1)
    // each attempt was delivered and nacked, until the last went to the dead-letter list
    const attempts = valueOf(after, 'orch_messages_nacked_total', { agent: 'fail' })!
    expect(attempts).toBeGreaterThan(1)
    expect(valueOf(after, 'orch_messages_delivered_total', { agent: 'fail' })).toBe(attempts)
    expect(valueOf(after, 'orch_queue_dead_messages', { agent: 'fail' })).toBe(1)
    expect(valueOf(after, 'orch_queue_messages', { state: 'dead' })).toBe(1)

    const handler = after.get('orch_handler_duration_seconds')!
    expect(handler.type).toBe('histogram')
    expect(valueOf(after, 'orch_handler_duration_seconds_count', { agent: 'echo', outcome: 'acked' })).toBe(3)
    expect(valueOf(after, 'orch_handler_duration_seconds_count', { agent: 'fail', outcome: 'nacked' })).toBe(attempts)
    expect(valueOf(after, 'orch_queue_wait_seconds_count', { agent: 'echo' })).toBe(3)
    // first deliveries only: the retries of 'fail' are not queue wait
    expect(valueOf(after, 'orch_queue_wait_seconds_count', { agent: 'fail' })).toBe(1)
    for (const name of ['orch_handler_duration_seconds', 'orch_queue_wait_seconds']) {
      const family = after.get(name)!
      const series = new Map<string, Array<{ le: number; value: number }>>()
      for (const s of family.samples.filter((x) => x.name === `${name}_bucket`)) {
        const { le, ...rest } = s.labels
        const key = JSON.stringify(rest)
        series.set(key, [...(series.get(key) ?? []), { le: le === '+Inf' ? Infinity : Number(le), value: s.value }])
      }
      expect(series.size).toBeGreaterThan(0)
      for (const [key, buckets] of series) {
        const les = buckets.map((b) => b.le)
        expect(les).toEqual([...les].sort((a, b) => a - b))
        expect(les.at(-1)).toBe(Infinity)
        for (let i = 1; i < buckets.length; i++) expect(buckets[i]!.value).toBeGreaterThanOrEqual(buckets[i - 1]!.value)
        expect(buckets.at(-1)!.value).toBe(valueOf(after, `${name}_count`, JSON.parse(key)))
      }
    }

    // docs/metrics.md lists every family served
    const doc = readFileSync(join(ROOT, 'docs', 'metrics.md'), 'utf8')
    for (const f of after.values()) expect(doc, f.name).toContain(`| \`${f.name}\` | ${f.type} |`)

    // the JSON snapshot says the same
    const snap = await snapshot()
    expect(snap.recipients.find((r) => r.agent === 'echo')).toMatchObject({ sent: 3, delivered: 3, acked: 3, nacked: 0, dead: 0 })
    expect(snap.agents.map((a) => a.id)).toEqual(['echo:0', 'echo:1', 'fail'])

    // anything but GET /metrics
    expect((await fetch(url.replace('/metrics', '/'))).status).toBe(404)
    expect((await fetch(url, { method: 'POST' })).status).toBe(405)
  })

  it('is not served until asked; a config turns it on and off on the same port, and the daemon remembers it across a restart', async () => {
    const t = home()
    const port = await freePort()
    const url = `http://127.0.0.1:${port}/metrics`
    await orchJson(['start', team(t)])
    expect((await snapshot()).endpoint).toBeNull()
    expect(await refused(url)).toBe(true)

    expect((await orch(['daemon', 'status'])).stdout).toMatch(/^metrics +not served \(a config's 'metrics' or ORCH_METRICS serves them\)$/m)
    await orchJson(['start', team(t, { metrics: { port } }, 'on.json')])
    expect((await snapshot()).endpoint).toBe(url)
    expect((await orchJson<{ metrics: string | null }>(['daemon', 'status'])).metrics).toBe(url)
    expect((await orch(['daemon', 'status'])).stdout).toContain(`metrics   ${url}`)
    expect(valueOf(await scrape(url), 'orch_agent_up', { agent_id: 'fail' })).toBeDefined()
    expect(JSON.parse(readFileSync(join(t.paths.dataDir, 'metrics-settings.json'), 'utf8'))).toEqual({ version: 1, metrics: { host: '127.0.0.1', port } })

    // a config without `metrics` leaves it as it is
    await orchJson(['start', team(t, {}, 'silent.json')])
    expect((await snapshot()).endpoint).toBe(url)

    await orchJson(['daemon', 'restart'])
    await waitFor(async () => (await snapshot()).endpoint === url, 'served again after the restart')
    expect(valueOf(await scrape(url), 'orch_daemon_uptime_seconds')).toBeGreaterThan(0)

    await orchJson(['start', team(t, { metrics: { enabled: false } }, 'off.json')])
    expect((await snapshot()).endpoint).toBeNull()
    expect(await refused(url)).toBe(true)
  })

  it('a damaged settings file is logged and the daemon starts without the endpoint', async () => {
    const t = home()
    await orchJson(['start', team(t, { metrics: { port: 0 } })])
    writeFileSync(join(t.paths.dataDir, 'metrics-settings.json'), '{"version":1,"metrics":{"port":"x"')
    await orchJson(['daemon', 'restart'])
    expect((await snapshot()).endpoint).toBeNull()
    expect(readFileSync(t.paths.daemonLog, 'utf8')).toMatch(/cannot read the metrics settings/)
    expect((await orchJson<AgentInfo[]>(['ls'])).map((a) => a.id)).toEqual(['echo:0', 'echo:1', 'fail'])
    // the next config that sets it writes it whole again
    await orchJson(['start', team(t, { metrics: { port: 0 } }, 'again.json')])
    expect((await snapshot()).endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/)
  })

  it('ORCH_METRICS asks a daemon at its start; a bad value is logged and ignored', async () => {
    const t = home()
    process.env.ORCH_METRICS = '127.0.0.1:0'
    await orchJson(['start', team(t)])
    const url = (await snapshot()).endpoint
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/)
    expect(valueOf(await scrape(url!), 'orch_agent_status', { agent_id: 'echo:1', status: 'online' })).toBeDefined()

    process.env.ORCH_METRICS = 'port nine'
    await orchJson(['daemon', 'restart'])
    await waitFor(() => readFileSync(t.paths.daemonLog, 'utf8').includes("ORCH_METRICS must be a port such as 9464, host:port such as 127.0.0.1:9464, or 'off'; got 'port nine'"), 'the warning')
    expect((await snapshot()).endpoint).toBeNull()
  })

  it('refuses bad metrics settings with the field, what is allowed and the value; warns of a non-loopback host', async () => {
    const t = home()
    const bad = async (metrics: unknown): Promise<string> => {
      const r = await orch(['start', team(t, { metrics }, 'bad.json')])
      expect(r.error).toBeDefined()
      return r.error!.message
    }
    expect(await bad({ port: 70000 })).toMatch(/field 'metrics\.port' must be a whole number from 0 to 65535, got 70000/)
    expect(await bad({ port: '9464' })).toMatch(/field 'metrics\.port' must be a whole number from 0 to 65535, got "9464"/)
    expect(await bad({ host: 'my host' })).toMatch(/field 'metrics\.host' must be a host name or an IP address such as '127\.0\.0\.1', '0\.0\.0\.0' or '::1', got "my host"/)
    expect(await bad({ prot: 9464 })).toMatch(/unknown field 'metrics\.prot' \(did you mean 'port'\?\)/)
    expect(await bad({ enabled: 'yes' })).toMatch(/field 'metrics\.enabled' must be true or false, got "yes"/)
    expect(await bad(9464)).toMatch(/field 'metrics' must be an object with port, host, enabled, got 9464/)
    // nothing was started or served by a refused config
    expect((await snapshot()).endpoint).toBeNull()

    await orchJson(['start', team(t, { metrics: { host: '0.0.0.0', port: 0 } })])
    expect((await snapshot()).endpoint).toMatch(/^http:\/\/0\.0\.0\.0:\d+\/metrics$/)
    expect(readFileSync(t.paths.daemonLog, 'utf8')).toMatch(/metrics served on a non-loopback address/)
  })
})
