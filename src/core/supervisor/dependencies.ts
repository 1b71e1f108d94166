import type { ResolvedAgent } from '../config/types.js'
import type { InstanceView } from './instance.js'

/** Instances of one agent name, in instance order. */
export type InstancesOf = (name: string) => InstanceView[]

/** The `dependsOn` agents that are defined and not all online. */
export function unmetDependencies(agent: ResolvedAgent, ofAgent: InstancesOf): string[] {
  return agent.dependsOn.filter((dep) => {
    const insts = ofAgent(dep)
    return insts.length > 0 && !insts.every((i) => i.record.status === 'online')
  })
}

/**
 * `waiting for db (errored), cache (starting, backoff)`: what each unmet
 * dependency's instances are doing, so a wait that cannot end by itself
 * (an errored or stopped dependency) says so.
 */
export function waitReason(deps: string[], ofAgent: InstancesOf): string {
  const states = deps.map((dep) => {
    const pending = ofAgent(dep)
      .filter((i) => i.record.status !== 'online')
      // asked to run and not spawned yet (the spawn is under way): starting, not a stop that needs a hand
      .map((i) => (i.record.status === 'stopped' && i.record.desired === 'running' ? 'starting' : i.record.status))
    return `${dep} (${[...new Set(pending)].join(', ')})`
  })
  return `waiting for ${states.join(', ')}`
}
