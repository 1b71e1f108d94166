/**
 * Orders agent names as `localeCompare` did (ICU's root collation, for the
 * letters, digits, `_` and `-` a name may hold: `_` < `-` < digits < letters,
 * letters case-blind first, then lowercase before uppercase), without it:
 * the first `localeCompare` loads ICU's collation data, about 2 MiB of the
 * daemon's RSS. Other characters compare by code unit.
 */
export function compareNames(a: string, b: string): number {
  const n = Math.min(a.length, b.length)
  for (let i = 0; i < n; i++) {
    const d = rank(a.charCodeAt(i)) - rank(b.charCodeAt(i))
    if (d !== 0) return d < 0 ? -1 : 1
  }
  if (a.length !== b.length) return a.length < b.length ? -1 : 1
  // same letters but for case: the first lowercase letter where they differ goes first
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i)
    const y = b.charCodeAt(i)
    if (x !== y) return x > y ? -1 : 1
  }
  return 0
}

const UNDERSCORE = 0x5f
const HYPHEN = 0x2d

/** A character's place, case-blind: `_`, `-`, 0–9, a–z, then everything else by code unit. */
function rank(c: number): number {
  if (c === UNDERSCORE) return 0
  if (c === HYPHEN) return 1
  if (c >= 0x30 && c <= 0x39) return 2 + (c - 0x30)
  if (c >= 0x61 && c <= 0x7a) return 12 + (c - 0x61)
  if (c >= 0x41 && c <= 0x5a) return 12 + (c - 0x41)
  return 38 + c
}
