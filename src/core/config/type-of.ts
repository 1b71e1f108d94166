/** The type an agent without `type` gets from the field that says what to run, first match wins. */
export const IMPLIED_TYPES: ReadonlyArray<readonly [field: string, type: string]> = [
  ['script', 'node'],
  ['command', 'process'],
]

/** Which type an agent has: the one it names, or the one its fields imply. */
export function typeOf(def: Record<string, unknown>): string | undefined {
  if (typeof def.type === 'string') return def.type
  return IMPLIED_TYPES.find(([field]) => def[field] !== undefined)?.[1]
}
