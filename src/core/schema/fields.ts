import * as v from 'valibot'
import { closestSignal, isSignalName } from './signals.js'
import { describeMs, MAX_DURATION_MS, parseDuration, parseSize } from './units.js'
import { isPlainObject } from './values.js'

/**
 * orch's field types, built on Valibot: each one carries, as its message,
 * what it allows ("a whole number from 1 to 256"), so every problem can be
 * written as "field 'x' must be <allowed>, got <value>"; and, where JSON
 * Schema cannot say it with Valibot's own actions, the JSON Schema it stands
 * for, as metadata (see json-schema.ts).
 *
 * Protocol params, pushed events, the config, plugin option schemas and the
 * persisted files are all written with these and plain Valibot.
 */

type Json = Record<string, unknown>

/** Attaches a fixed message ("what is allowed") to every issue of `schema`. */
function allowing<S extends v.GenericSchema>(schema: S, allowed: string): S {
  return v.message(schema, allowed) as unknown as S
}

/** A schema that any value passes through `check`, with its JSON Schema given by hand. */
function custom<T>(check: (x: unknown) => boolean, description: string, jsonSchema: Json, allowed: v.ErrorMessage<v.BaseIssue<unknown>> = description) {
  // @valibot/to-json-schema spreads metadata into the JSON Schema; the custom schema itself converts to {}
  const schema = v.pipe(v.custom<T>(check), v.metadata({ ...jsonSchema, description }))
  return v.message(schema, allowed) as unknown as typeof schema
}

export interface StringOptions {
  nonEmpty?: boolean
  pattern?: RegExp
  /** how the allowed values read in an error, e.g. "a name of 1 to 64 letters" */
  allowed?: string
  maxLength?: number
}

export function str(o: StringOptions = {}) {
  const allowed = o.allowed ?? (o.nonEmpty ? 'a non-empty string' : 'a string')
  const actions: v.PipeItem<string, string, v.BaseIssue<unknown>>[] = []
  if (o.nonEmpty) actions.push(v.minLength(1))
  if (o.maxLength !== undefined) actions.push(v.maxLength(o.maxLength))
  if (o.pattern) actions.push(v.regex(o.pattern))
  return allowing(v.pipe(v.string(), ...actions), allowed)
}

/**
 * A safe integer (|n| <= 2^53 - 1: past it a number is no longer exact,
 * 9007199254740993 parses as ...992), within `min` and `max`. For a whole
 * number past the safe range, the message gives the range.
 */
export function int(o: { min?: number; max?: number } = {}) {
  const allowed = o.min !== undefined && o.max !== undefined
    ? `a whole number from ${o.min} to ${o.max}`
    : o.min !== undefined ? `a whole number >= ${o.min}` : 'a whole number'
  const range = `a whole number from ${o.min ?? -Number.MAX_SAFE_INTEGER} to ${o.max ?? Number.MAX_SAFE_INTEGER}`
  const actions: v.PipeItem<number, number, v.BaseIssue<unknown>>[] = [v.safeInteger()]
  if (o.min !== undefined) actions.push(v.minValue(o.min))
  if (o.max !== undefined) actions.push(v.maxValue(o.max))
  const schema = v.pipe(v.number(), ...actions)
  return v.message(schema, (issue) => (Number.isInteger(issue.input) && !Number.isSafeInteger(issue.input) ? range : allowed)) as unknown as typeof schema
}

export function num(o: { min?: number } = {}) {
  const allowed = o.min !== undefined ? `a number >= ${o.min}` : 'a number'
  const actions: v.PipeItem<number, number, v.BaseIssue<unknown>>[] = [v.finite()]
  if (o.min !== undefined) actions.push(v.minValue(o.min))
  return allowing(v.pipe(v.number(), ...actions), allowed)
}

export function bool() {
  return allowing(v.boolean(), 'true or false')
}

/** One of a few literal values. */
export function oneOf<const T extends readonly (string | number | boolean)[]>(values: T) {
  const allowed = `one of ${values.map((x) => JSON.stringify(x)).join(', ')}`
  return allowing(v.union(values.map((x) => v.literal(x)) as unknown as v.LiteralSchema<T[number], undefined>[]), allowed) as
    unknown as v.GenericSchema<T[number]>
}

export function strings() {
  return allowing(v.array(allowing(v.string(), 'a string')), 'an array of strings')
}

/** An object of string values (numbers and booleans are taken and turned into strings where it is used, as env values are). */
export function stringMap() {
  // Valibot's record takes an array too (its indexes as keys): `env: []` must be refused
  const record = v.record(v.string(), allowing(v.union([v.string(), v.number(), v.boolean()]), 'a string (or a number or boolean)'))
  return allowing(v.pipe(v.custom<Record<string, unknown>>(isPlainObject), record), 'an object of string values')
}

const DURATION_PATTERN = '^\\s*\\d+(\\.\\d+)?\\s*(ms|s|m|h)?\\s*$'

/** '500ms', '5s', '2m', '1h' or a number of ms; at least `min` ms and at most MAX_DURATION_MS. */
export function duration(o: { min?: number } = {}) {
  const min = o.min ?? 0
  const allowed = `a duration such as '500ms', '5s', '2m' or a number of milliseconds, ${min ? `from ${describeMs(min)} ` : ''}` +
    `up to ${MAX_DURATION_MS} ms (${describeMs(MAX_DURATION_MS)}, the longest a timer can wait)`
  return custom<string | number>((x) => {
    const ms = parseDuration(x)
    return ms !== undefined && ms <= MAX_DURATION_MS && ms >= min
  }, allowed, { anyOf: [{ type: 'string', pattern: DURATION_PATTERN }, { type: 'number', minimum: min, maximum: MAX_DURATION_MS }] })
}

/** '300M', '1G', '512K' or a number of bytes. */
export function size() {
  return custom<string | number>((x) => parseSize(x) !== undefined, "a size such as '300M', '1G', '512K' or a number of bytes",
    { anyOf: [{ type: 'string', pattern: '^\\s*\\d+(\\.\\d+)?\\s*([KMGkmg])?i?[Bb]?\\s*$' }, { type: 'number', exclusiveMinimum: 0 }] })
}

/** A signal this platform knows (os.constants.signals); a misspelt one gets a suggestion. */
export function signal() {
  const allowed = "a signal name such as 'SIGTERM' or 'SIGINT'"
  // the suggestion depends on the value, so the message is a function of the issue
  return custom<string>((x) => typeof x === 'string' && isSignalName(x), allowed, { type: 'string', pattern: '^SIG[A-Z0-9]+$' }, (issue) => {
    const near = typeof issue.input === 'string' ? closestSignal(issue.input) : undefined
    return `${allowed}${near ? ` (did you mean '${near}'?)` : ''}`
  })
}

/** Any JSON value. */
export function json() {
  return v.unknown()
}
