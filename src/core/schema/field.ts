import { closestSignal, isSignalName } from './signals.js'
import { describeMs, MAX_DURATION_MS, parseDuration, parseSize } from './units.js'

/**
 * A tiny schema language shared by the config validator and the protocol:
 * each field says what it accepts, and `checkField` answers with what is
 * allowed when a value does not fit, so every error can quote the bad value.
 */
export type FieldSpec =
  | { kind: 'string'; required?: boolean; pattern?: RegExp; patternText?: string; nonEmpty?: boolean }
  /** a safe integer (|n| <= 2^53 - 1), within min and max */
  | { kind: 'integer'; required?: boolean; min?: number; max?: number }
  | { kind: 'number'; required?: boolean; min?: number }
  | { kind: 'boolean'; required?: boolean }
  | { kind: 'enum'; required?: boolean; values: readonly (string | boolean)[] }
  | { kind: 'stringArray'; required?: boolean }
  | { kind: 'stringMap'; required?: boolean }
  /** at most MAX_DURATION_MS, at least `min` (ms, 0 when absent) */
  | { kind: 'duration'; required?: boolean; min?: number }
  /** a signal this platform knows (os.constants.signals) */
  | { kind: 'signal'; required?: boolean }
  | { kind: 'size'; required?: boolean }
  | { kind: 'object'; required?: boolean; fields: Record<string, FieldSpec> }
  | { kind: 'json'; required?: boolean }

export type Schema = Record<string, FieldSpec>

export interface FieldProblem {
  field: string
  value: unknown
  allowed: string
}

/** Renders a value the way a user typed it, short. */
export function quote(value: unknown): string {
  if (value === undefined) return 'nothing'
  let s: string
  try {
    s = typeof value === 'string' ? JSON.stringify(value) : JSON.stringify(value) ?? String(value)
  } catch {
    s = String(value)
  }
  return s.length > 60 ? `${s.slice(0, 57)}...` : s
}

/** What `spec` accepts; for a misspelt signal, the real one it probably meant. */
function describe(spec: FieldSpec, value?: unknown): string {
  switch (spec.kind) {
    case 'string':
      return spec.patternText ?? (spec.nonEmpty ? 'a non-empty string' : 'a string')
    case 'integer':
      if (Number.isInteger(value) && !Number.isSafeInteger(value)) return `a whole number from ${spec.min ?? -Number.MAX_SAFE_INTEGER} to ${spec.max ?? Number.MAX_SAFE_INTEGER}`
      return spec.min !== undefined && spec.max !== undefined
        ? `a whole number from ${spec.min} to ${spec.max}`
        : spec.min !== undefined ? `a whole number >= ${spec.min}` : 'a whole number'
    case 'number':
      return spec.min !== undefined ? `a number >= ${spec.min}` : 'a number'
    case 'boolean':
      return 'true or false'
    case 'enum':
      return `one of ${spec.values.map((v) => JSON.stringify(v)).join(', ')}`
    case 'stringArray':
      return 'an array of strings'
    case 'stringMap':
      return 'an object of string values'
    case 'duration':
      return `a duration such as '500ms', '5s', '2m' or a number of milliseconds, ${spec.min ? `from ${describeMs(spec.min)} ` : ''}` +
        `up to ${MAX_DURATION_MS} ms (${describeMs(MAX_DURATION_MS)}, the longest a timer can wait)`
    case 'signal': {
      const near = typeof value === 'string' ? closestSignal(value) : undefined
      return `a signal name such as 'SIGTERM' or 'SIGINT'${near ? ` (did you mean '${near}'?)` : ''}`
    }
    case 'size':
      return "a size such as '300M', '1G', '512K' or a number of bytes"
    case 'object':
      return `an object with ${Object.keys(spec.fields).join(', ')}`
    case 'json':
      return 'a JSON value'
  }
}

function fits(spec: FieldSpec, v: unknown): boolean {
  switch (spec.kind) {
    case 'string':
      return typeof v === 'string' && (!spec.nonEmpty || v.length > 0) && (!spec.pattern || spec.pattern.test(v))
    case 'integer':
      // past 2^53 - 1 a number is no longer exact (9007199254740993 parses as ...992): not an integer anyone meant
      return Number.isSafeInteger(v) && (spec.min === undefined || (v as number) >= spec.min) &&
        (spec.max === undefined || (v as number) <= spec.max)
    case 'number':
      return typeof v === 'number' && Number.isFinite(v) && (spec.min === undefined || v >= spec.min)
    case 'boolean':
      return typeof v === 'boolean'
    case 'enum':
      return spec.values.includes(v as string | boolean)
    case 'stringArray':
      return Array.isArray(v) && v.every((x) => typeof x === 'string')
    case 'stringMap':
      return isPlainObject(v) && Object.values(v).every((x) => typeof x === 'string' || typeof x === 'number' || typeof x === 'boolean')
    case 'duration': {
      const ms = parseDuration(v)
      return ms !== undefined && ms <= MAX_DURATION_MS && ms >= (spec.min ?? 0)
    }
    case 'signal':
      return typeof v === 'string' && isSignalName(v)
    case 'size':
      return parseSize(v) !== undefined
    case 'object':
      return isPlainObject(v)
    case 'json':
      return true
  }
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

/** Checks `obj` against `schema`; nested object fields are reported as `parent.child`. */
export function checkSchema(schema: Schema, obj: Record<string, unknown>, prefix = ''): FieldProblem[] {
  const problems: FieldProblem[] = []
  for (const [key, spec] of Object.entries(schema)) {
    const value = obj[key]
    const field = prefix + key
    if (value === undefined) {
      if (spec.required) problems.push({ field, value, allowed: `required: ${describe(spec)}` })
      continue
    }
    if (!fits(spec, value)) {
      problems.push({ field, value, allowed: describe(spec, value) })
      continue
    }
    if (spec.kind === 'object') problems.push(...checkSchema(spec.fields, value as Record<string, unknown>, `${field}.`))
  }
  return problems
}

/** Fields present in `obj` that `schema` does not know. */
export function unknownFields(schema: Schema, obj: Record<string, unknown>): string[] {
  return Object.keys(obj).filter((k) => !(k in schema))
}

/** One line naming every problem, for a bad-params error. */
export function formatProblems(problems: FieldProblem[]): string {
  return problems.map((p) => `'${p.field}' must be ${p.allowed}, got ${quote(p.value)}`).join('; ')
}
