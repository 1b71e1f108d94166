import type { UsageSample } from '../protocol/types.js'
import { formatBytes } from '../schema/units.js'
import { USAGE_HISTORY, type Instance } from './instance.js'

/** Consecutive samples over `maxMemory` before the agent is restarted. */
export const MEMORY_STRIKES = 2

/**
 * Keeps a sample in the instance's history and counts it against
 * `maxMemory`: returns why it must be restarted once the limit is passed
 * `MEMORY_STRIKES` samples in a row, else null.
 */
export function recordUsage(inst: Instance, sample: UsageSample): string | null {
  inst.usage.push(sample)
  if (inst.usage.length > USAGE_HISTORY) inst.usage.shift()
  const limit = inst.record.agent.maxMemoryBytes
  if (!limit || inst.record.status === 'stopping') return null
  inst.memoryStrikes = sample.memory > limit ? inst.memoryStrikes + 1 : 0
  return inst.memoryStrikes >= MEMORY_STRIKES ? `memory ${formatBytes(sample.memory)} over limit ${formatBytes(limit)}` : null
}
