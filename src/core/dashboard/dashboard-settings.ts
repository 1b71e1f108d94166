import { readFile } from 'node:fs/promises'
import { replaceFile } from '../queue/replace-file.js'

import { DEFAULT_DASHBOARD_HOST, DEFAULT_DASHBOARD_PORT } from '../config/defaults.js'
import type { DashboardAddress } from '../config/types.js'

export { DEFAULT_DASHBOARD_HOST, DEFAULT_DASHBOARD_PORT }

/** data/dashboard-settings.json, in the daemon's data folder */
export const DASHBOARD_SETTINGS_FILE = 'dashboard-settings.json'

export type { DashboardAddress }

/**
 * data/dashboard-settings.json: where the dashboard was last served, or where
 * the config's `dashboard` says to serve it, so that after a daemon restart
 * `orch dashboard` serves it at the same address (a bookmark keeps working,
 * with the new token). Version 1: `{ version, host, port }`.
 */
export const DASHBOARD_SETTINGS_VERSION = 1

/** The remembered address; undefined when there is none or it cannot be read (reported through onBad). */
export async function readDashboardSettings(file: string, onBad: (why: string) => void): Promise<DashboardAddress | undefined> {
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') onBad(String(err))
    return undefined
  }
  try {
    const raw = JSON.parse(text) as { version?: unknown; host?: unknown; port?: unknown }
    if (raw.version !== DASHBOARD_SETTINGS_VERSION) throw new Error(`version ${String(raw.version)}, this orch reads ${DASHBOARD_SETTINGS_VERSION}`)
    const { host, port } = raw
    if (typeof host !== 'string' || !Number.isInteger(port) || (port as number) < 0 || (port as number) > 65535) throw new Error('no host and port')
    return { host, port: port as number }
  } catch (err) {
    onBad(`${file}: ${(err as Error).message}; the dashboard uses ${DEFAULT_DASHBOARD_HOST}:${DEFAULT_DASHBOARD_PORT}`)
    return undefined
  }
}

export async function writeDashboardSettings(file: string, address: DashboardAddress): Promise<void> {
  await replaceFile(file, `${JSON.stringify({ version: DASHBOARD_SETTINGS_VERSION, ...address })}\n`)
}
