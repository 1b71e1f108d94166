import { inspect } from 'node:util'

const QUOTE_MAX_CHARS = 60

/**
 * Renders a value the way a user typed it, short: JSON for what JSON can
 * say; NaN, Infinity, functions, bigints and cycles (which JSON would turn
 * into `null`, nothing or an error) as Node shows them.
 */
export function quote(value: unknown): string {
  if (value === undefined) return 'nothing'
  let s: string | undefined
  try {
    if (typeof value !== 'number' || Number.isFinite(value)) s = JSON.stringify(value)
  } catch {
    // a cycle or a bigint: shown below
  }
  s ??= inspect(value, { depth: 2, breakLength: Infinity, maxArrayLength: 5, maxStringLength: QUOTE_MAX_CHARS })
  return s.length > QUOTE_MAX_CHARS ? `${s.slice(0, QUOTE_MAX_CHARS - 3)}...` : s
}

export function isPlainObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x)
}
