import { constants } from 'node:os'

/**
 * Signal names this platform knows. `process.kill` throws on any other name,
 * and a stop that throws must never pass for "the process is gone".
 */
const SIGNALS: readonly string[] = Object.keys(constants.signals)

export function isSignalName(name: string): boolean {
  return SIGNALS.includes(name)
}

/** Edit distance counting a swap of two neighbours as one edit ('SIGTREM' is 1 from 'SIGTERM', 2 from 'SIGTRAP'). */
function distance(a: string, b: string): number {
  let before: number[] = []
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    const row = [i]
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1))
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) row[j] = Math.min(row[j]!, before[j - 2]! + 1)
    }
    before = prev
    prev = row
  }
  return prev[b.length]!
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
    const d = distance(`SIG${bare}`, s)
    if (d < bestDistance) [best, bestDistance] = [s, d]
  }
  return best
}
