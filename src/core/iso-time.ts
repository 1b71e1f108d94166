const pad2 = (n: number): string => (n < 10 ? `0${n}` : `${n}`)

/**
 * `new Date(ms).toISOString()` for years 0–9999, from the UTC getters. V8's
 * `toISOString` looks up the local time zone's display name each time (its
 * date-to-string code fetches it before looking at the format), and the first
 * call loads ICU's time zone names: about 0.9 MiB of the node binary's ICU
 * data paged in for good, in a process that never shows a zone name.
 */
export function isoTime(ms: number = Date.now()): string {
  const d = new Date(ms)
  const msPart = d.getUTCMilliseconds()
  return `${String(d.getUTCFullYear()).padStart(4, '0')}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())}T${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())}.${msPart < 10 ? '00' : msPart < 100 ? '0' : ''}${msPart}Z`
}
