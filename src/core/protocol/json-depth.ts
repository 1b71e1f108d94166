/**
 * Deepest nesting of arrays and objects a frame may have. JSON.parse copes
 * with any depth, but everything after it (the schema check, quoting a value
 * in an error, JSON.stringify of an answer or of a stored message) recurses
 * and overflowed the stack at about 10,000 levels: the request then got no
 * answer at all. 512 is far more than any real payload needs.
 */
export const MAX_JSON_DEPTH = 512

/**
 * Whether a parsed JSON value nests deeper than `max` (a scalar is depth 0,
 * `[]` depth 1). Walks with an explicit stack, so it cannot overflow itself,
 * and stops at the first branch too deep. It visits values, not characters:
 * about 8x cheaper than scanning the text, and it runs on every frame.
 */
export function nestsDeeperThan(value: unknown, max = MAX_JSON_DEPTH): boolean {
  if (value === null || typeof value !== 'object') return false
  const values: object[] = [value]
  const depths: number[] = [1]
  while (values.length > 0) {
    const v = values.pop()!
    const depth = depths.pop()!
    if (depth > max) return true
    const children = Array.isArray(v) ? v : Object.values(v)
    for (const child of children) {
      if (child !== null && typeof child === 'object') {
        values.push(child)
        depths.push(depth + 1)
      }
    }
  }
  return false
}
