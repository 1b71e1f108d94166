import { ConfigError } from '../errors/config-error.js'

/**
 * What a config evaluated in the loader child may hand the daemon: strings,
 * finite numbers, booleans, null, arrays and plain objects. Anything else (a
 * function, a class instance, a Symbol) would be lost or mangled on the way, so
 * it is refused with its place; `undefined` object fields are dropped as JSON does.
 */
export function plainData(value: unknown, where = 'config'): unknown {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value
  if (typeof value === 'number') {
    if (Number.isFinite(value)) return value
    throw new ConfigError(`${where} is ${value}; a config holds plain data (strings, numbers, booleans, arrays, objects)`)
  }
  if (Array.isArray(value)) return value.map((item, i) => plainData(item, `${where}[${i}]`))
  if (isRecord(value)) {
    const out: Record<string, unknown> = {}
    for (const [k, item] of Object.entries(value)) {
      if (item !== undefined) out[k] = plainData(item, where === 'config' ? k : `${where}.${k}`)
    }
    return out
  }
  const what = typeof value === 'function' ? 'a function' : typeof value === 'object' ? `a ${value.constructor?.name ?? 'non-plain'} object` : `a ${typeof value}`
  throw new ConfigError(`${where} is ${what}; a config holds plain data (strings, numbers, booleans, arrays, objects), evaluated once by \`orch start\``)
}

/** An object literal (its prototype is Object.prototype of some realm, or null); not a Date, a Map, a class instance. */
function isRecord(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false
  const proto = Object.getPrototypeOf(value) as { constructor?: { name?: string } } | null
  return proto === null || (Object.getPrototypeOf(proto) === null && proto.constructor?.name === 'Object')
}
