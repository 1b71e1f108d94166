import * as v from 'valibot'

/**
 * A field's note for docs/protocol.md, kept on the schema (Valibot's
 * `description`, which JSON Schema carries as `description`).
 */
export function note<S extends v.GenericSchema>(schema: S, text: string) {
  return v.pipe(schema, v.description(text))
}

/** An optional field, with its note. */
export function opt<S extends v.GenericSchema>(schema: S, text?: string) {
  return v.optional(text === undefined ? schema : note(schema, text))
}

/** The result fields: what the daemon sends, documented, never checked at run time (tests do). */
export const integer = () => v.pipe(v.number(), v.integer())
export const ok = () => v.literal(true)
