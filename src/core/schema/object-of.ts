import * as v from 'valibot'

/**
 * An object of known fields that says, when the value is no object at all,
 * which fields it has: "an object with initial, max, factor". Unknown keys
 * pass (and are dropped from the output); whoever wants them refused lists
 * them with `unknownKeys` and says so in their own words.
 */
export function objectOf<const E extends v.ObjectEntries>(entries: E, allowed = `an object with ${Object.keys(entries).join(', ')}`) {
  return v.message(v.object(entries), allowed)
}

/** The same, keeping keys it does not know (an agent's type options, a definition as written). */
export function looseObjectOf<const E extends v.ObjectEntries>(entries: E, allowed = `an object with ${Object.keys(entries).join(', ')}`) {
  return v.message(v.looseObject(entries), allowed)
}

/** Adds the text a JSON Schema (and so an editor's hover) shows for a field. */
export function about<S extends v.GenericSchema>(schema: S, text: string) {
  return v.pipe(schema, v.description(text))
}
