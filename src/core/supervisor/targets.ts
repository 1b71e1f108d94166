import { UnknownAgentError } from '../errors/unknown-agent-error.js'
import type { InstanceView } from './instance.js'
import type { Supervisor } from './supervisor.js'

/** The target that names every agent. */
export const ALL_AGENTS = 'all'

/** Resolves `all`, an agent name, or one instance (`name:N`) to instances; unknown names list the known ones. */
export function resolveTarget(supervisor: Supervisor, target: string): InstanceView[] {
  if (target === ALL_AGENTS) return supervisor.all()
  const byId = supervisor.get(target)
  if (byId) return [byId]
  const byName = supervisor.ofAgent(target)
  if (byName.length > 0) return byName
  const known = supervisor.agentNames()
  throw new UnknownAgentError(
    known.length > 0
      ? `no agent named '${target}'; known: ${known.join(', ')}`
      : `no agent named '${target}'; no agents are defined yet: run orch start ecosystem.config.ts`,
    { target, known },
  )
}

/**
 * Groups instances into layers by `dependsOn`: layer 0 depends on nothing
 * in the set, layer 1 only on layer 0, and so on. Stop walks them backwards.
 */
export function dependencyLayers<T extends InstanceView>(instances: T[]): T[][] {
  const names = new Set(instances.map((i) => i.record.name))
  const depth = new Map<string, number>()
  const byName = new Map(instances.map((i) => [i.record.name, i.record.agent.dependsOn] as const))
  const depthOf = (name: string, seen: Set<string>): number => {
    const known = depth.get(name)
    if (known !== undefined) return known
    if (seen.has(name)) return 0
    seen.add(name)
    const deps = (byName.get(name) ?? []).filter((d) => names.has(d))
    const d = deps.length === 0 ? 0 : 1 + Math.max(...deps.map((x) => depthOf(x, seen)))
    depth.set(name, d)
    return d
  }
  const layers: T[][] = []
  for (const inst of instances) {
    const d = depthOf(inst.record.name, new Set())
    ;(layers[d] ??= []).push(inst)
  }
  return layers.filter(Boolean)
}
