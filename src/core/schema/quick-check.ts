import { isPlainObject } from './values.js'

/** Says true only for a value its schema certainly accepts. */
export type QuickCheck = (value: unknown) => boolean

/** What this module reads of a Valibot schema or action. */
interface Node {
  kind?: string
  type: string
  pipe?: Node[]
  wrapped?: Node
  entries?: Record<string, Node>
  item?: Node
  requirement?: unknown
  default?: unknown
}

const known = new WeakMap<object, QuickCheck | null>()

/**
 * A quick yes for the common case, made from the schema itself (so the
 * schema stays the one source of the rule): for object schemas of plain
 * fields — strings with lengths or a pattern, numbers with integer and range
 * checks, booleans, arrays of those, any JSON, optionals without defaults —
 * a predicate that runs the same checks by hand. It never says yes to what
 * the schema refuses; on no, or for a schema it cannot read (unions,
 * custom checks, transforms), the caller asks Valibot, which also words the
 * problems. A send's params: ~0.5 µs against ~6 µs for Valibot's run
 * (docs/benchmarks.md).
 */
export function quickCheckOf(schema: object): QuickCheck | undefined {
  let check = known.get(schema)
  if (check === undefined) {
    check = compile(schema as Node) ?? null
    known.set(schema, check)
  }
  return check ?? undefined
}

function compile(s: Node): QuickCheck | undefined {
  if (s.pipe) {
    const [base, ...actions] = s.pipe
    const first = base === undefined ? undefined : compile(base)
    if (!first) return undefined
    const checks: QuickCheck[] = [first]
    for (const a of actions) {
      if (a.kind === 'metadata') continue
      const c = action(a)
      if (!c) return undefined
      checks.push(c)
    }
    return checks.length === 1 ? first : (x) => checks.every((c) => c(x))
  }
  switch (s.type) {
    case 'string':
      return (x) => typeof x === 'string'
    case 'number':
      return (x) => typeof x === 'number' && !Number.isNaN(x)
    case 'boolean':
      return (x) => typeof x === 'boolean'
    case 'unknown':
      return () => true
    case 'optional': {
      const inner = s.default === undefined && s.wrapped ? compile(s.wrapped) : undefined
      return inner && ((x) => x === undefined || inner(x))
    }
    case 'array': {
      const item = s.item ? compile(s.item) : undefined
      return item && ((x) => {
        if (!Array.isArray(x)) return false
        for (let i = 0; i < x.length; i++) if (!item(x[i])) return false
        return true
      })
    }
    case 'object':
      return s.entries ? objectCheck(s.entries) : undefined
    default:
      return undefined
  }
}

function objectCheck(entries: Record<string, Node>): QuickCheck | undefined {
  const fields: Array<[string, QuickCheck, boolean]> = []
  for (const [key, entry] of Object.entries(entries)) {
    const c = compile(entry)
    if (!c) return undefined
    // Valibot refuses a missing key unless its entry is optional, even one that takes any value
    fields.push([key, c, entry.type !== 'optional'])
  }
  return (x) => {
    if (!isPlainObject(x)) return false
    for (const [key, c, required] of fields) if ((required && !(key in x)) || !c(x[key])) return false
    return true
  }
}

/** A pipe's validation step; undefined for one this module does not know. */
function action(a: Node): QuickCheck | undefined {
  const r = a.requirement
  switch (a.type) {
    case 'min_length':
      return (x) => (x as string | unknown[]).length >= (r as number)
    case 'max_length':
      return (x) => (x as string | unknown[]).length <= (r as number)
    case 'regex':
      return (x) => {
        ;(r as RegExp).lastIndex = 0
        return (r as RegExp).test(x as string)
      }
    case 'safe_integer':
      return (x) => Number.isSafeInteger(x)
    case 'integer':
      return (x) => Number.isInteger(x)
    case 'finite':
      return (x) => Number.isFinite(x)
    case 'min_value':
      return (x) => (x as number) >= (r as number)
    case 'max_value':
      return (x) => (x as number) <= (r as number)
    default:
      return undefined
  }
}
