const BARS = '▁▂▃▄▅▆▇█'

/**
 * The last `width` values as bars, padded on the left while the history is
 * short. Scaled from 0 to `ceiling` (or the max, if higher): CPU against 100%.
 * Without a ceiling, from the min to the max seen: memory's changes show
 * even when they are small next to its size.
 */
export function sparkline(values: readonly number[], width: number, ceiling?: number): string {
  const recent = values.slice(-width)
  const low = ceiling === undefined ? Math.min(...recent) : 0
  const high = Math.max(ceiling ?? -Infinity, ...recent)
  const bars = recent.map((v) => {
    if (high <= low) return BARS[ceiling === undefined ? 3 : 0]
    return BARS[Math.min(BARS.length - 1, Math.max(0, Math.round(((v - low) / (high - low)) * (BARS.length - 1))))]
  })
  return ' '.repeat(width - recent.length) + bars.join('')
}
