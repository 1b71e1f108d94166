import * as v from 'valibot'
import { quickCheckOf } from './quick-check.js'
import { quote } from './values.js'

// the kit's two value helpers live apart, so what needs only them (frames, the agent SDK) loads no Valibot
export { isPlainObject, quote } from './values.js'

/**
 * Turns Valibot issues into orch's problems: the field (`backoff.initial`,
 * `agents[2]`), the value as given, and what is allowed, so an error can say
 * "field 'x' must be <allowed>, got <value>" as it always has.
 */
export interface FieldProblem {
  field: string
  value: unknown
  allowed: string
}

type AnyObjectSchema = { entries: Record<string, v.GenericSchema> }

function pathOf(issue: v.BaseIssue<unknown>, prefix: string): string {
  let field = prefix
  for (const item of issue.path ?? []) {
    const key = item.key as string | number
    field += typeof key === 'number' ? `[${key}]` : field === '' || field.endsWith('.') ? key : `.${key}`
  }
  return field.replace(/\.$/, '')
}

/** The message a schema gives for `undefined`: what it allows, for a missing required field. */
function allowedOf(schema: v.GenericSchema | undefined): string {
  const issue = schema ? v.safeParse(schema, undefined).issues?.[0] : undefined
  return issue?.message ?? 'a value'
}

/**
 * Every problem of `value` against `schema` (one per field: a pipe stops at
 * its first failed check). A missing required field reads "required: <allowed>".
 * `prefix` names where the value sits, e.g. `agents[2].` or `agent.`.
 */
export function problemsOf(schema: v.GenericSchema, value: unknown, prefix = ''): FieldProblem[] {
  if (quickCheckOf(schema)?.(value)) return []
  const result = v.safeParse(schema, value, { abortPipeEarly: true })
  if (result.success) return []
  const problems: FieldProblem[] = []
  for (const issue of result.issues) {
    const field = pathOf(issue, prefix)
    const last = issue.path?.[issue.path.length - 1]
    if (issue.kind === 'schema' && issue.type.endsWith('object') && last && !(last.key as string in (last.input as object))) {
      // a missing key: the object reports it, the entry's own schema says what it wants
      const entrySchema = findEntry(schema, issue.path!.map((p) => p.key as string | number))
      problems.push({ field, value: undefined, allowed: `required: ${allowedOf(entrySchema)}` })
      continue
    }
    problems.push({ field, value: issue.input, allowed: issue.message })
  }
  return problems
}

/** The schema at `path` inside nested object schemas, if it can be followed. */
function findEntry(schema: v.GenericSchema, path: Array<string | number>): v.GenericSchema | undefined {
  let at: unknown = schema
  for (const key of path) {
    const entries = (at as Partial<AnyObjectSchema>).entries
    const wrapped = (at as { wrapped?: unknown }).wrapped
    if (!entries && wrapped) at = (wrapped as Partial<AnyObjectSchema>).entries?.[key as string]
    else at = entries?.[key as string]
    if (!at) return undefined
  }
  return at as v.GenericSchema
}

/** Keys of `value` that the object schema does not name. */
export function unknownKeys(schema: AnyObjectSchema, value: Record<string, unknown>): string[] {
  return Object.keys(value).filter((k) => !Object.prototype.hasOwnProperty.call(schema.entries, k))
}

/** One line naming every problem, for a bad-params error. */
export function formatProblems(problems: FieldProblem[]): string {
  return problems.map((p) => `'${p.field}' must be ${p.allowed}, got ${quote(p.value)}`).join('; ')
}
