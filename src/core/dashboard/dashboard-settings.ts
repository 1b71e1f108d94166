import { addressOf, readSettingsFile } from '../store/settings-file.js'
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
  const otherwise = `the dashboard uses ${DEFAULT_DASHBOARD_HOST}:${DEFAULT_DASHBOARD_PORT}`
  const raw = await readSettingsFile(file, DASHBOARD_SETTINGS_VERSION, onBad, otherwise)
  if (raw === undefined) return undefined
  const address = addressOf(raw)
  if (!address) onBad(`${file}: no host and port; ${otherwise}`)
  return address
}

export async function writeDashboardSettings(file: string, address: DashboardAddress): Promise<void> {
  await replaceFile(file, `${JSON.stringify({ version: DASHBOARD_SETTINGS_VERSION, ...address })}\n`)
}
