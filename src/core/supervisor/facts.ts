import { EXTERNAL_TYPE } from '../config/defaults.js'
import { unmetDependencies, waitReason, type InstancesOf } from './dependencies.js'
import type { Instance } from './instance.js'
import type { EventContext, LifecycleInput } from './lifecycle-input.js'
import { decideRestart, formatMs } from './policy.js'
import type { LifecycleFact } from './transitions.js'

/** The facts an event is judged on, and the reason a transition it causes is recorded with. */
export function factsOf(
  inst: Instance,
  input: LifecycleInput,
  ofAgent: InstancesOf,
): { facts: Set<LifecycleFact>; ctx: EventContext } {
  const r = inst.record
  const facts = new Set<LifecycleFact>()
  const ctx: EventContext = { reason: '' }
  if (r.agent.type === EXTERNAL_TYPE) facts.add('external')
  if (facts.has('external')) facts.add(inst.peers > 0 ? 'connected' : 'not connected')
  if (inst.spawning) facts.add('spawning')
  if (r.pid !== null) facts.add('spawned')
  if (inst.waitingFor) facts.add('waiting')
  facts.add(r.desired === 'running' ? 'desired running' : 'desired stopped')
  switch (input.event) {
    case 'start':
    case 'dependency-changed': {
      const waiting = unmetDependencies(r.agent, ofAgent)
      facts.add(waiting.length > 0 ? 'dependencies pending' : 'dependencies met')
      ctx.waiting = waiting
      if (waiting.length > 0) ctx.reason = waitReason(waiting, ofAgent)
      if (ctx.reason !== '' && r.events.at(-1)?.reason !== ctx.reason) facts.add('wait changed')
      if (input.event === 'start' && waiting.length === 0) {
        const external = facts.has('external') && !facts.has('connected')
        ctx.reason = external ? `${input.reason}; waiting for it to connect (external agent)` : input.reason
      }
      break
    }
    case 'spawned':
    case 'spawn-failed':
      ctx.reason = inst.launchReason
      break
    case 'grace-elapsed':
      ctx.reason = `up for ${formatMs(r.agent.startGraceMs)}`
      break
    case 'ready':
      ctx.reason = 'signalled ready'
      break
    case 'exit':
    case 'pid-reused': {
      const exit = inst.pendingCause ? { ...input.exit, cause: inst.pendingCause } : input.exit
      const decision = decideRestart(r.agent, r.history, exit)
      facts.add(decision.action === 'restart' ? 'policy restarts' : decision.action === 'stop' ? 'policy stops' : 'policy gives up')
      Object.assign(ctx, { reason: decision.reason, decision, exit })
      break
    }
    case 'stop':
    case 'connected':
      ctx.reason = input.reason
      break
    case 'disconnected':
      ctx.reason = 'disconnected'
      break
    case 'reload':
      ctx.reason = input.reason
      break
    case 'successor-online':
      ctx.reason = `reloaded: new pid ${input.successor.proc?.pid ?? '?'} took over from pid ${r.pid ?? '?'} (${input.how})`
      break
    case 'successor-failed':
      ctx.reason = `reload failed: ${input.reason}`
      break
    case 'stop-finished': {
      const { pid, reason, result } = input
      if (result.denied) facts.add('denied')
      if (result.survivors.length > 0) facts.add('survivors')
      const how = result.forced ? `; SIGKILL after ${formatMs(r.agent.killTimeoutMs)} (${r.agent.killSignal} ignored)` : ''
      ctx.reason = result.denied
        ? `cannot signal process group ${pid} (permission denied): it may still run`
        : result.survivors.length > 0
          ? `processes ${result.survivors.join(', ')} of the group survived SIGKILL`
          : `${reason}${how}`
      break
    }
    case 'adopt': {
      if (input.alive) facts.add('alive')
      if (!input.startDead) facts.add('adopt only')
      if (input.diedPid === null || input.wasStopping) facts.add('no process')
      ctx.reason = facts.has('alive')
        ? `re-adopted pid ${r.pid} by daemon ${process.pid}${input.unsaved ? ' (found by its environment: the last daemon died before saving it)' : ''}`
        : facts.has('desired stopped')
          ? 'found stopped by a new daemon'
          : 'found dead by a daemon started to stop the agents'
      break
    }
  }
  return { facts, ctx }
}
