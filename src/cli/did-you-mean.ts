/**
 * Suggestions for a mistyped command, from the command list itself (so a
 * command added later is suggested with no change here).
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

export interface UnknownCommand {
  /** what the user typed where a command was expected, as typed (`stpo`, `queue lss`) */
  typed: string
  /** the command meant, space separated (`stop`, `queue ls`) */
  suggestion?: string
}

/**
 * Given the words oclif could not resolve to a command (`['reload', 'worker']`
 * for `orch reload worker`) and the command ids (`queue:ls`), what was
 * mistyped and what was probably meant. Words after the command are its
 * arguments and stay out of the message.
 */
export function unknownCommand(words: readonly string[], commandIds: readonly string[]): UnknownCommand {
  const ids = commandIds.map((id) => id.split(':'))
  const topics = new Set(ids.filter((w) => w.length > 1).map((w) => w[0]!))
  const first = words[0] ?? ''
  // a known topic with a mistyped subcommand: `orch queue lss`
  if (topics.has(first) && words.length > 1) {
    const subs = ids.filter((w) => w[0] === first && w.length === 2).map((w) => w[1]!)
    const sub = closest(words[1]!, subs)
    return { typed: `${first} ${words[1]}`, suggestion: sub && `${first} ${sub}` }
  }
  const tops = [...new Set(ids.map((w) => w[0]!))]
  const top = closest(first, tops)
  if (top && topics.has(top) && !ids.some((w) => w.length === 1 && w[0] === top)) {
    // a mistyped topic: `orch queu ls` means `queue ls` when that exists
    const sub = words[1] && ids.find((w) => w[0] === top && w[1] === words[1])
    return { typed: first, suggestion: sub ? sub.join(' ') : top }
  }
  return { typed: first, suggestion: top }
}
