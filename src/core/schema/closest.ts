/**
 * Did-you-mean: the closest of a list of names to what was typed, for
 * commands, config fields and signals alike.
 */

/** Edit distance where swapping two neighbours costs 1 (`stpo` is one step from `stop`), as git's did-you-mean. */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)])
  for (let j = 1; j <= b.length; j++) d[0]![j] = j
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost)
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, d[i - 2]![j - 2]! + 1)
      d[i]![j] = best
    }
  }
  return d[a.length]![b.length]!
}

/** The closest of `names` to `typed`, if close enough to be a typo (at most 2 edits, fewer than half its letters), or a prefix of only one name. */
export function closest(typed: string, names: readonly string[]): string | undefined {
  const prefixed = names.filter((n) => n.startsWith(typed))
  if (typed.length >= 2 && prefixed.length === 1) return prefixed[0]
  let best: { name: string; d: number } | undefined
  for (const name of names) {
    const d = editDistance(typed, name)
    if (d <= 2 && d * 2 < Math.max(typed.length, 2) + 1 && (!best || d < best.d)) best = { name, d }
  }
  return best?.name
}
