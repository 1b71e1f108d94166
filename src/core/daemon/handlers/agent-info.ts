import type { AgentDescription, AgentInfo } from '../../protocol/types.js'
import { agentLogPaths } from '../../paths.js'
import type { InstanceView } from '../../supervisor/instance.js'
import type { DaemonContext } from '../context.js'

export function agentInfo(inst: InstanceView, ctx: DaemonContext, now = Date.now()): AgentInfo {
  const r = inst.record
  const last = inst.usage[inst.usage.length - 1]
  // an external agent has no process of ours: show the pid it said hello with
  const pid = r.pid ?? inst.peerPid ?? null
  const { inbox, inFlight } = ctx.queue.instanceLoad(r.name, r.id)
  return {
    id: r.id,
    name: r.name,
    instance: r.index,
    type: r.agent.type,
    status: r.status,
    pid,
    uptime: pid !== null && r.startedAt !== null ? now - r.startedAt : 0,
    restarts: r.restarts,
    cpu: r.pid !== null ? (last?.cpu ?? 0) : 0,
    memory: r.pid !== null ? (last?.memory ?? 0) : 0,
    inbox,
    inFlight,
    desired: r.desired,
  }
}

export function agentDescription(inst: InstanceView, ctx: DaemonContext): AgentDescription {
  const r = inst.record
  return {
    ...agentInfo(inst, ctx),
    definition: r.agent.raw as Record<string, unknown>,
    configPath: r.configPath,
    command: r.spec.command,
    args: r.spec.args,
    cwd: r.spec.cwd ?? r.agent.cwd,
    logs: agentLogPaths(ctx.paths, r.id),
    watch: r.agent.watch,
    // records written before ignoreWatch existed lack it
    ignoreWatch: r.agent.ignoreWatch ?? [],
    events: r.events.slice(-20),
    usage: inst.usage.slice(-20),
  }
}
