import { constants } from 'node:os'
import { editDistance } from './closest.js'

/**
 * Signal names this platform knows. `process.kill` throws on any other name,
 * and a stop that throws must never pass for "the process is gone".
 */
const SIGNALS: readonly string[] = Object.keys(constants.signals)

export function isSignalName(name: string): boolean {
  return SIGNALS.includes(name)
}

/** The real signal closest to `name` ('SIGTREM' → 'SIGTERM', 'term' → 'SIGTERM'), or undefined when none is close. */
export function closestSignal(name: string): string | undefined {
  const upper = name.trim().toUpperCase()
  const bare = upper.startsWith('SIG') ? upper.slice(3) : upper
  if (bare.length < 2) return undefined
  if (isSignalName(`SIG${bare}`)) return `SIG${bare}`
  // a short name is close to many signals: allow fewer edits there, so a guess is never a wild one
  let bestDistance = Math.min(2, Math.floor(bare.length / 2)) + 1
  let best: string | undefined
  for (const s of SIGNALS) {
    const d = editDistance(`SIG${bare}`, s)
    if (d < bestDistance) [best, bestDistance] = [s, d]
  }
  return best
}
