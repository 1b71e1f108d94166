/** Nothing in it needs escaping in JSON (ids, names, types mostly). */
const PLAIN = /^[^"\\\u0000-\u001f\u2028\u2029]*$/

/** A string as JSON: between quotes as it is when nothing in it needs escaping, else JSON.stringify. For lines built by hand on hot paths. */
export function jsonString(s: string): string {
  return PLAIN.test(s) ? `"${s}"` : JSON.stringify(s)
}
