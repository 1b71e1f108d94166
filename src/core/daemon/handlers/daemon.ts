import type { ParamsOf, ResultOf } from '../../protocol/methods.js'
import { PROTOCOL_VERSION } from '../../protocol/version.js'
import type { Handler } from '../context.js'

export const daemonStatus: Handler<ParamsOf<'daemon.status'>, ResultOf<'daemon.status'>> = (_p, ctx) => {
  const usage = ctx.monitor.daemonUsage()
  return {
    pid: process.pid,
    uptime: Date.now() - ctx.startedAt,
    cpu: usage.cpu,
    memory: usage.memory,
    heapUsed: process.memoryUsage().heapUsed,
    version: ctx.version,
    protocolVersion: PROTOCOL_VERSION,
    home: ctx.paths.home,
    socket: ctx.paths.socket,
    agents: ctx.supervisor.all().length,
    watchdogPid: ctx.watchdogPid(),
    metrics: ctx.observer.endpoint.url,
    recovered: ctx.recovery.list(),
  }
}

/** Answers first, then shuts down, so the caller gets its reply. */
export const daemonShutdown: Handler<ParamsOf<'daemon.shutdown'>, ResultOf<'daemon.shutdown'>> = async (params, ctx) => {
  const stopped = params.stopAgents ? ctx.supervisor.all().filter((i) => i.record.pid !== null).map((i) => i.record.id) : []
  if (params.stopAgents) await ctx.stopAgentsForKill()
  setImmediate(() => void ctx.shutdown(params.reason ?? 'requested by a client'))
  return { stopped }
}
