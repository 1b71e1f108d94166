import type { ParamsOf, ResultOf } from '../../protocol/methods.js'
import type { Handler } from '../context.js'

/** The dashboard's code (node:http, its server, its page) is loaded at the first call only: a daemon nobody opens it for never loads it. */
export const dashboardOpen: Handler<ParamsOf<'dashboard.open'>, ResultOf<'dashboard.open'>> = async (p, ctx) =>
  (await import('../../dashboard/dashboard.js')).openDashboard(ctx, p)
