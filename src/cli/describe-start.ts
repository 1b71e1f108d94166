import type { ResultOf } from '../core/protocol/methods.js'

/** Agent names of instance ids, in order, once each. */
function namesOf(ids: string[]): string[] {
  return [...new Set(ids.map((id) => id.replace(/:\d+$/, '')))]
}

/** What `orch start` did, in lines a person reads above the table. */
export function describeStart(result: Pick<ResultOf<'agents.start'>, 'started' | 'unchanged' | 'changed' | 'restarted' | 'removed'>): string[] {
  const parts = [`started ${result.started.length}`]
  if (result.unchanged.length > 0) {
    parts.push(`already running ${result.unchanged.length} (${result.unchanged.join(', ')}), with the environment they started with (--update-env gives them this shell's)`)
  }
  const lines = [parts.join('; ')]
  if (result.restarted.length > 0) lines.push(`restarted with the new definition: ${result.restarted.join(', ')}`)
  if (result.changed.length > 0) {
    const names = namesOf(result.changed)
    lines.push(
      `definition changed for ${result.changed.join(', ')}, which keep running as they were: ` +
        `${names.map((n) => `orch restart ${n}`).join(', ')} applies it (or orch reload, one instance at a time; ` +
        `with this shell's environment: add --update-env)`,
    )
  }
  if (result.removed.length > 0) lines.push(`stopped and removed ${result.removed.join(', ')} (fewer instances)`)
  return lines
}
