import type * as v from 'valibot'
import type { ParamsSchema } from './schemas/method.js'

/** The schema an optional entry wraps (through `v.optional`), if it is one. */
function optionalOf(entry: v.GenericSchema): v.GenericSchema | undefined {
  return entry.type === 'optional' ? (entry as unknown as { wrapped: v.GenericSchema }).wrapped : undefined
}

/**
 * One rule for `null` in params: an optional param given as `null` is taken
 * as absent (Python's `None`, Go's `nil` and many encoders write it for an
 * unset field). A param whose type is any JSON (`payload`, `progress`) keeps
 * `null` as its value, and a required param given `null` is still refused.
 * Returns `params` itself when it holds no such null.
 */
export function dropNullOptionals(schema: ParamsSchema, params: Record<string, unknown>): Record<string, unknown> {
  let out: Record<string, unknown> | undefined
  for (const key of nullableKeysOf(schema)) {
    if (params[key] !== null) continue
    out ??= { ...params }
    delete out[key]
  }
  return out ?? params
}

const nullable = new WeakMap<ParamsSchema, string[]>()

/** The optional params whose `null` means absent (worked out once per schema: this runs for every request). */
function nullableKeysOf(schema: ParamsSchema): string[] {
  let keys = nullable.get(schema)
  if (!keys) {
    keys = Object.entries(schema.entries).filter(([, entry]) => {
      const inner = optionalOf(entry)
      return inner !== undefined && inner.type !== 'unknown'
    }).map(([key]) => key)
    nullable.set(schema, keys)
  }
  return keys
}
