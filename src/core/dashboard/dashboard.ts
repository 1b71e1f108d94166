import { join } from 'node:path'
import type { DaemonContext } from '../daemon/context.js'
import { DashboardUnavailableError } from '../errors/dashboard-unavailable-error.js'
import { isLoopback } from '../observe/metrics-settings.js'
import type { ParamsOf, ResultOf } from '../protocol/methods.js'
import { newToken } from './auth.js'
import { DASHBOARD_SETTINGS_FILE, DEFAULT_DASHBOARD_HOST, DEFAULT_DASHBOARD_PORT, readDashboardSettings, writeDashboardSettings, type DashboardAddress } from './dashboard-settings.js'
import { createDashboardHttp, type DashboardHttp } from './http-server.js'
import { LiveHub } from './live-hub.js'
import { loadStaticFiles } from './static-files.js'


interface Serving {
  http: DashboardHttp
  /** as asked (port 0 included) */
  asked: DashboardAddress
  /** as bound */
  bound: DashboardAddress
}

interface DashboardState {
  hub: LiveHub
  serving: Serving | null
  /** opens run one at a time */
  chain: Promise<unknown>
}

const states = new WeakMap<DaemonContext, DashboardState>()

const originOf = ({ host, port }: DashboardAddress): string => `http://${host.includes(':') ? `[${host}]` : host}:${port}`

async function listen(ctx: DaemonContext, hub: LiveHub, address: DashboardAddress): Promise<Serving> {
  const files = await loadStaticFiles()
  let bound = address
  const http = createDashboardHttp(ctx, hub, files, () => bound.port)
  await new Promise<void>((resolve, reject) => {
    http.server.once('error', reject)
    http.server.listen(address.port, address.host, () => {
      http.server.off('error', reject)
      resolve()
    })
  }).catch((err: NodeJS.ErrnoException) => {
    throw new DashboardUnavailableError(address.host, address.port, err.code ?? err.message)
  })
  http.server.on('error', (err) => ctx.log.error('dashboard server error', { err }))
  const a = http.server.address()
  bound = { host: address.host, port: a && typeof a === 'object' ? a.port : address.port }
  return { http, asked: address, bound }
}

const close = (s: Serving): Promise<void> =>
  new Promise((resolve) => {
    s.http.server.close(() => resolve())
    s.http.server.closeAllConnections()
  })

/**
 * Where to serve: what was asked, else what is remembered (where it was last
 * served, or what a config's `dashboard` said since), else where it is
 * served now, else the default.
 */
async function wantedAddress(ctx: DaemonContext, p: ParamsOf<'dashboard.open'>, serving: Serving | null): Promise<DashboardAddress> {
  const remembered =
    (await readDashboardSettings(join(ctx.paths.dataDir, DASHBOARD_SETTINGS_FILE), (why) => ctx.log.warn('cannot read the dashboard settings', { why }))) ??
    serving?.asked
  return { host: p.host ?? remembered?.host ?? DEFAULT_DASHBOARD_HOST, port: p.port ?? remembered?.port ?? DEFAULT_DASHBOARD_PORT }
}

async function open(ctx: DaemonContext, state: DashboardState, p: ParamsOf<'dashboard.open'>): Promise<ResultOf<'dashboard.open'>> {
  const wanted = await wantedAddress(ctx, p, state.serving)
  const current = state.serving
  const moves = !current || wanted.host !== current.asked.host || (wanted.port !== current.asked.port && wanted.port !== current.bound.port && wanted.port !== 0)
  if (moves) {
    if (!isLoopback(wanted.host)) {
      ctx.log.warn('dashboard served on a non-loopback address: whoever reaches it and has the link can stop and restart agents', { ...wanted })
    }
    const next = await listen(ctx, state.hub, wanted)
    if (current) await close(current)
    state.serving = next
    ctx.log.info('dashboard served', { origin: originOf(next.bound) })
    // the bound port, so that a bookmark keeps working after a daemon restart even when 0 was asked
    await writeDashboardSettings(join(ctx.paths.dataDir, DASHBOARD_SETTINGS_FILE), next.bound).catch((err) =>
      ctx.log.error('cannot remember the dashboard address', { err }),
    )
  }
  const serving = state.serving!
  const token = newToken()
  serving.http.setToken(token)
  // pages signed in with the previous token are signed out now
  state.hub.closeAll()
  const origin = originOf(serving.bound)
  return { url: `${origin}/?token=${token}`, origin, host: serving.bound.host, port: serving.bound.port, loopback: isLoopback(serving.bound.host) }
}

/** `dashboard.open`: serves the dashboard (once), with a fresh token. */
export function openDashboard(ctx: DaemonContext, p: ParamsOf<'dashboard.open'>): Promise<ResultOf<'dashboard.open'>> {
  let state = states.get(ctx)
  if (!state) {
    const hub = new LiveHub(ctx)
    state = { hub, serving: null, chain: hub.seedFlow() }
    states.set(ctx, state)
  }
  const s = state
  const step = s.chain.then(() => open(ctx, s, p))
  s.chain = step.catch(() => {})
  return step
}
