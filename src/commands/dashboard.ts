import * as Flags from '@oclif/core/flags'
import { OrchCommand } from '../cli/base-command.js'

export interface DashboardResult {
  url: string
  origin: string
  loopback: boolean
  /** whether a browser was asked to open it */
  opened: boolean
}

export default class Dashboard extends OrchCommand<DashboardResult> {
  static override summary = 'Serve the live web dashboard and print its link (with a fresh access token).'
  static override description =
    'The daemon serves the dashboard on 127.0.0.1:9465 (or where it was last served; --port 0 picks a free port) and ' +
    'gives a new token at each call: the link signs a browser in (a cookie keeps it, and the token leaves the address bar), ' +
    'and the next call signs out the pages of this one. It opens the link in a browser when one is available ($BROWSER, or xdg-open on a desktop); ' +
    '--no-open only prints it. From another machine: ssh -L 9465:127.0.0.1:9465 host, then open the link there. ' +
    '--host 0.0.0.0 serves it to the network (warned: whoever has the link can stop and restart agents).'
  static override examples = ['<%= config.bin %> dashboard', '<%= config.bin %> dashboard --port 8080 --no-open', '<%= config.bin %> dashboard --json --no-open']
  static override flags = {
    port: Flags.integer({ description: 'port to serve on (0: any free one); default: where it is served now or was last, else 9465', min: 0, max: 65535 }),
    host: Flags.string({ description: 'address to serve on; default: where it is served now or was last, else 127.0.0.1 (anything but loopback is reachable by others)' }),
    open: Flags.boolean({ description: 'open the link in a browser when one is available', default: true, allowNo: true }),
  }

  async run(): Promise<DashboardResult> {
    const { flags } = await this.parse(Dashboard)
    const params: { port?: number; host?: string } = {}
    if (flags.port !== undefined) params.port = flags.port
    if (flags.host !== undefined) params.host = flags.host
    const served = await (await this.daemon()).call('dashboard.open', params)
    if (!served.loopback) {
      this.warn(`the dashboard is served on ${served.host}, not only to this machine: whoever reaches ${served.origin} with the link can stop and restart agents`)
    }
    // loaded here only: the other commands' start-up does not pay for it
    const opened = flags.open && (await import('../cli/open-browser.js')).openInBrowser(served.url)
    if (!this.jsonEnabled()) {
      this.log(served.url)
      if (!opened) this.log(`Open it in a browser on this machine (from elsewhere: ssh -L ${served.port}:127.0.0.1:${served.port} <this host>). It is valid until the next 'orch dashboard', which gives a fresh one.`)
    }
    return { url: served.url, origin: served.origin, loopback: served.loopback, opened }
  }
}
