import { existsSync } from 'node:fs'
import { chromium, type Browser } from 'playwright-core'

/** The system's Chromium (Debian's `chromium` package; .ci/run installs it), or ORCH_TEST_CHROMIUM. Never a downloaded one. */
export const CHROMIUM = process.env.ORCH_TEST_CHROMIUM || '/usr/bin/chromium'

/** Nothing of the browser may reach the network or linger: no sync, no updates, no QUIC probes; a fresh profile per launch (Playwright's own temporary --user-data-dir). */
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync']

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}: apt-get install chromium (as .ci/run does), or set ORCH_TEST_CHROMIUM`)
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS })
}
