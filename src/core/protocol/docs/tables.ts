import * as v from 'valibot'
import { toJsonSchema } from '../../schema/json-schema.js'
import { SendParamsSchema } from '../schemas/send.js'
import { SHAPES } from '../schemas/shapes.js'
import { typeText } from './type-text.js'

/** Tables of fields, from a schema: what docs/protocol.md shows of params, results, events and shapes. */

type Json = Record<string, unknown>
type Entries = Record<string, v.GenericSchema>

/** Markdown table cells may hold no raw `|` or newline. */
export const cell = (text: string): string => text.replace(/\n/g, ' ').replace(/(?<!\\)\|/g, '\\|')

export function table(head: string[], rows: string[][]): string {
  return [`| ${head.join(' | ')} |`, `| ${head.map(() => '---').join(' | ')} |`, ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`)].join('\n')
}

/** JSON Schema with the named shapes referred to by link, not spelt out. */
export function jsonOf(schema: v.GenericSchema, self?: string): Json {
  const named: Record<string, v.GenericSchema> = { ...SHAPES, SendParams: SendParamsSchema }
  const definitions = Object.fromEntries(Object.entries(named).filter(([name, s]) => name !== self && s !== schema))
  return toJsonSchema(schema, definitions)
}

/** What a field allows, in the words of its error message ("a whole number from 1 to 10000"); '' for any value. */
export function allowedText(schema: v.GenericSchema): string {
  const inner = schema.type === 'optional' ? (schema as unknown as { wrapped: v.GenericSchema }).wrapped : schema
  return v.safeParse(inner, undefined).issues?.[0]?.message ?? ''
}

export const entriesOf = (schema: v.GenericSchema): Entries | undefined => (schema as { entries?: Entries }).entries

/** The params table: one row per field; `checkedAs`, when the daemon checks the params with another schema, says what is allowed. */
export function paramsTable(schema: v.GenericSchema, checkedAs?: v.GenericSchema): string {
  const entries = entriesOf(schema) ?? {}
  const checks = entriesOf(checkedAs ?? schema) ?? {}
  const json = jsonOf(schema)
  const props = (json.properties ?? {}) as Record<string, Json>
  const required = new Set((json.required ?? []) as string[])
  const rows = Object.entries(entries).map(([name, field]) => {
    const p = props[name] ?? {}
    return [`\`${name}\``, typeText(p), required.has(name) ? 'yes' : '', allowedText(checks[name] ?? field), (p.description as string | undefined) ?? '']
  })
  return table(['param', 'type', 'required', 'allowed', 'notes'], rows)
}

/**
 * The named shape `schema` builds on, when it has all of that shape's
 * fields (AgentDescription: AgentInfo's, and more): its table then lists
 * only what it adds or changes.
 */
export function baseShape(schema: v.GenericSchema, self?: string): { name: string; entries: Entries } | undefined {
  const own = entriesOf(schema)
  if (!own) return undefined
  let best: { name: string; entries: Entries } | undefined
  for (const [name, shape] of Object.entries(SHAPES)) {
    if (name === self || shape === schema) continue
    const keys = Object.keys(shape.entries)
    if (keys.every((k) => k in own) && keys.length > Object.keys(best?.entries ?? {}).length) best = { name, entries: shape.entries }
  }
  return best
}

/** The fields table of a result, an event's data or a shape. */
export function fieldsTable(schema: v.GenericSchema, self?: string): string {
  const json = jsonOf(schema, self)
  const props = (json.properties ?? {}) as Record<string, Json>
  const required = new Set((json.required ?? []) as string[])
  const base = baseShape(schema, self)
  const rows = Object.entries(entriesOf(schema) ?? {})
    .filter(([name, field]) => base?.entries[name] !== field)
    .map(([name]) => {
      const p = props[name] ?? {}
      return [`\`${name}\``, typeText(p) + (required.has(name) ? '' : ', optional'), (p.description as string | undefined) ?? '']
    })
  return table(['field', 'type', 'notes'], rows)
}
