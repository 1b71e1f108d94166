/** How a JSON Schema reads in a table cell of docs/protocol.md: `integer`, `[string]`, `"cli" \| "agent"`, a link to a shape. */

type Json = Record<string, unknown>

const code = (x: unknown): string => `\`${JSON.stringify(x)}\``

/** Named schemas documented somewhere other than under their own heading. */
const ELSEWHERE: Record<string, string> = { SendParams: '[`queue.send` params](#queuesend)' }

/** A link to a shape's heading (GitHub lower-cases the anchor). */
export const shapeLink = (name: string): string => ELSEWHERE[name] ?? `[${name}](#${name.toLowerCase()})`

export function typeText(s: Json): string {
  if (typeof s.$ref === 'string') return shapeLink(s.$ref.split('/').pop()!)
  if ('const' in s) return code(s.const)
  if (Array.isArray(s.enum)) return s.enum.map(code).join(' \\| ')
  if (Array.isArray(s.anyOf)) return (s.anyOf as Json[]).map(typeText).join(' or ')
  switch (s.type) {
    case 'array':
      return `[${typeText((s.items ?? {}) as Json)}]`
    case 'object': {
      const props = s.properties as Json | undefined
      if (!props) return 'object'
      const keys = Object.keys(props)
      return keys.length === 0 ? '`{}`' : `{${keys.join(', ')}}`
    }
    case undefined:
      return 'any JSON'
    default:
      return String(s.type)
  }
}
