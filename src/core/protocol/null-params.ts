import type { Schema } from '../schema/field.js'

/**
 * One rule for `null` in params: an optional param given as `null` is taken
 * as absent (Python's `None`, Go's `nil` and many encoders write it for an
 * unset field). A param whose type is any JSON (`payload`, `progress`) keeps
 * `null` as its value, and a required param given `null` is still refused.
 * Returns `params` itself when it holds no such null.
 */
export function dropNullOptionals(schema: Schema, params: Record<string, unknown>): Record<string, unknown> {
  let out: Record<string, unknown> | undefined
  for (const [key, spec] of Object.entries(schema)) {
    if (params[key] !== null || spec.required || spec.kind === 'json') continue
    out ??= { ...params }
    delete out[key]
  }
  return out ?? params
}
