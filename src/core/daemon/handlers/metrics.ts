import type { ParamsOf, ResultOf } from '../../protocol/methods.js'
import type { Handler } from '../context.js'

export const daemonMetrics: Handler<ParamsOf<'daemon.metrics'>, ResultOf<'daemon.metrics'>> = (_p, ctx) => ctx.observer.snapshot()
