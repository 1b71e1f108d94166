import { definitionKey } from './definition-key.js'
import type { Instance } from './instance.js'
import { clearTimers } from './instance.js'
import type { EventContext, LifecycleInput } from './lifecycle-input.js'
import type { Emit } from './supervisor-events.js'
import type { Spawner } from './spawner.js'
import type { PrepareEffect } from './transitions.js'

export interface PrepareDeps {
  spawner: Spawner
  emit: Emit
  /** where the exit of a process of `attempt` goes */
  onExit(inst: Instance, attempt: number, code: number | null, signal: string | null): void
}

/** A new attempt: whatever the previous one left pending (timers, exit watchers, spawns) is void from now on. */
export function newAttempt(inst: Instance): number {
  clearTimers(inst)
  inst.spawning = false
  return ++inst.attempt
}

/** The effects that change the instance before its transition is recorded. */
export function prepare(effect: PrepareEffect, inst: Instance, input: LifecycleInput, ctx: EventContext, deps: PrepareDeps): void {
  const r = inst.record
  switch (effect) {
    case 'reset-budget':
      clearTimers(inst)
      if (input.event === 'start' && input.fresh) r.history = { restarts: [], consecutive: 0 }
      return
    case 'wait-for-dependencies':
      inst.waitingFor = ctx.waiting
      return
    case 'take-process': {
      if (input.event !== 'spawned') return
      const { proc } = input
      inst.spawning = false
      inst.proc = proc
      r.pid = proc.pid
      r.procStart = proc.procStart
      r.startedAt = Date.now()
      r.runningDef = definitionKey(r)
      inst.usage = []
      const attempt = inst.attempt
      proc.onExit((code, signal) => deps.onExit(inst, attempt, code, signal))
      return
    }
    case 'clean-up': {
      inst.pendingCause = undefined
      const deadPid = r.pid
      // whatever the dead process left behind (a child that inherited the environment) no longer speaks for the instance
      r.token = null
      if (deadPid !== null) {
        deps.spawner.killLeftovers(deadPid)
        if (ctx.exit) deps.emit('exited', r, ctx.exit)
      }
      r.pid = null
      r.procStart = null
      inst.proc = undefined
      newAttempt(inst)
      return
    }
    case 'cancel-attempt':
      inst.waitingFor = undefined
      newAttempt(inst)
      return
    case 'count-restart':
      if (ctx.decision?.action === 'restart') r.history = ctx.decision.history
      r.restarts++
      return
    case 'take-successor': {
      if (input.event !== 'successor-online' || !input.successor.proc) return
      const s = input.successor
      const proc = s.proc!
      if (r.pid !== null) ctx.retired = { pid: r.pid, procStart: r.procStart, proc: inst.proc }
      inst.successor = undefined
      inst.proc = proc
      inst.usage = []
      inst.memoryStrikes = 0
      inst.pendingCause = undefined
      r.pid = proc.pid
      r.procStart = proc.procStart
      r.startedAt = Date.now()
      // the new process started from the definition the record holds now
      r.runningDef = definitionKey(r)
      r.token = s.token
      // a reload is a restart the user asked for: counted, with a fresh budget (as `orch restart`)
      r.history = { restarts: [], consecutive: 0 }
      r.restarts++
      // until it is gone, the old process is the one a new daemon must stop
      r.retiring = ctx.retired ? { pid: ctx.retired.pid, procStart: ctx.retired.procStart } : null
      // the old process's timers and exit watcher are void from here; the new one's exit goes through the policy
      const attempt = newAttempt(inst)
      s.exitTo = (code, signal) => deps.onExit(inst, attempt, code, signal)
      return
    }
    case 'release-process':
      inst.proc = undefined
      r.pid = null
      r.procStart = null
      r.token = null
      return
    default:
      effect satisfies never
  }
}
