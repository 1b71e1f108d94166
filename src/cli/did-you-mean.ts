/**
 * Suggestions for a mistyped command, from the command list itself (so a
 * command added later is suggested with no change here).
 */

import { closest } from '../core/schema/closest.js'

export { closest, editDistance } from '../core/schema/closest.js'

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
