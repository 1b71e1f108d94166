import { addressOf, readSettingsFile } from '../store/settings-file.js'
import { isIP } from 'node:net'
import { DEFAULT_METRICS_HOST } from '../config/defaults.js'
import { replaceFile } from '../queue/replace-file.js'

/** Where `/metrics` is served. */
export interface MetricsAddress {
  host: string
  port: number
}


/** The environment variable a daemon reads at start: `9464`, `host:port`, `[::1]:9464`, or `off`. */
export const METRICS_ENV = 'ORCH_METRICS'

const OFF = new Set(['off', 'false', 'no', 'none'])

/** Whether binding to `host` keeps the endpoint to this machine. */
export function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '')
  return h === 'localhost' || h === '::1' || (isIP(h) === 4 && h.startsWith('127.'))
}

/** ORCH_METRICS → an address, null for `off`, or an error text quoting the value. Unset or empty: undefined. */
export function parseMetricsEnv(raw: string | undefined): MetricsAddress | null | undefined | { error: string } {
  const text = raw?.trim()
  if (!text) return undefined
  if (OFF.has(text.toLowerCase())) return null
  const m = /^(?:(\[[^\]]+\]|[^:]+):)?(\d{1,5})$/.exec(text)
  const port = m ? Number(m[2]) : NaN
  if (!m || port > 65535) return { error: `${METRICS_ENV} must be a port such as 9464, host:port such as 127.0.0.1:9464, or 'off'; got '${text}'` }
  return { host: m[1]?.replace(/^\[|\]$/g, '') ?? DEFAULT_METRICS_HOST, port }
}

/**
 * data/metrics-settings.json: the endpoint the last config asked for, so a
 * daemon that restarts (a crash, `orch daemon restart`) serves it again
 * before any `orch start`. Version 1: `{ version, metrics: {host, port} | null }`.
 */
export const METRICS_SETTINGS_VERSION = 1

/** The remembered setting; undefined when none was ever set or the file cannot be read as one (which is reported). */
export async function readMetricsSettings(file: string, onBad: (why: string) => void): Promise<MetricsAddress | null | undefined> {
  const otherwise = "/metrics is not served until a config sets 'metrics'"
  const raw = await readSettingsFile(file, METRICS_SETTINGS_VERSION, onBad, otherwise)
  if (raw === undefined) return undefined
  if (raw.metrics === null) return null
  const address = addressOf(raw.metrics)
  if (!address) onBad(`${file}: no host and port; ${otherwise}`)
  return address
}

export async function writeMetricsSettings(file: string, metrics: MetricsAddress | null): Promise<void> {
  await replaceFile(file, `${JSON.stringify({ version: METRICS_SETTINGS_VERSION, metrics })}\n`)
}
