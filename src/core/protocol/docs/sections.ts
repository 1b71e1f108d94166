import type * as v from 'valibot'
import { ERROR_CODE_DOCS } from '../error-code-docs.js'
import { ErrorCode } from '../error-codes.js'
import type { MethodSpec } from '../schemas/method.js'
import { EVENTS } from '../schemas/events.js'
import { SHAPES } from '../schemas/shapes.js'
import { baseShape, entriesOf, fieldsTable, jsonOf, paramsTable, table } from './tables.js'
import { shapeLink, typeText } from './type-text.js'

/** The generated parts of docs/protocol.md, each from the schemas or tables it documents. */

const CALLERS = { agent: 'agent only', 'agent, or consuming': 'agent, or consuming' } as const

function resultText(schema: v.GenericSchema): string {
  const json = jsonOf(schema)
  const entries = entriesOf(schema)
  if (!entries || typeof json.$ref === 'string') return `Result: ${typeText(json)}.`
  if (Object.keys(entries).length === 0) return 'Result: `{}`.'
  return `Result:\n\n${fieldsTable(schema)}`
}

export function methodSection(name: string, spec: MethodSpec): string {
  const who = spec.caller ? ` (${CALLERS[spec.caller]})` : ''
  const params = Object.keys(spec.params.entries).length === 0 ? 'No params: `{}`.' : paramsTable(spec.params, spec.checkedAs)
  const errors = (spec.errors ?? []).filter((c) => c !== ErrorCode.BAD_PARAMS)
  const errorLine = `Errors: ${[...errors.map((c) => `\`${c}\``), `\`${ErrorCode.BAD_PARAMS}\``].join(', ')}.`
  return [`#### \`${name}\`${who}`, spec.doc, params, resultText(spec.result), errorLine].join('\n\n')
}

export function methodSections(methods: Record<string, MethodSpec>): string {
  return Object.entries(methods).map(([name, spec]) => methodSection(name, spec)).join('\n\n')
}

export function eventsTable(): string {
  const rows = Object.entries(EVENTS).map(([name, spec]) => {
    const base = baseShape(spec.data)
    const entries = entriesOf(spec.data) ?? {}
    const changed = Object.keys(entries).filter((k) => base?.entries[k] !== entries[k])
    const data = base
      ? `${shapeLink(base.name)}${changed.length ? `, with ${changed.map((k) => `\`${k}\``).join(', ')} always set` : ''}`
      : typeText(jsonOf(spec.data))
    return [`\`${name}\``, data, spec.pushed]
  })
  return table(['event', 'data', 'pushed'], rows)
}

/** A shape's heading, what it builds on, and its fields. */
export function shapeSection(name: keyof typeof SHAPES, heading: string): string {
  const schema = SHAPES[name]
  const base = baseShape(schema, name)
  const intro = base ? `\n\n${shapeLink(base.name)}'s fields, and:` : ''
  return `${heading} ${name}${intro}\n\n${fieldsTable(schema, name)}`
}

export function shapeSections(names: Array<keyof typeof SHAPES>, heading: string): string {
  return names.map((n) => shapeSection(n, heading)).join('\n\n')
}

export function errorCodesTable(side: 'wire' | 'client'): string {
  const rows = Object.entries(ERROR_CODE_DOCS)
    .filter(([, d]) => d.side === side || d.side === 'both')
    .map(([code, d]) => [`\`${code}\``, d.when])
  return table(['code', 'when'], rows)
}
