import { toJsonSchema as convert } from '@valibot/to-json-schema'
import type { GenericSchema } from 'valibot'

/**
 * JSON Schema for a Valibot schema of orch's. Fields that Valibot checks
 * with code (durations, sizes, signals: `custom` schemas) carry their JSON
 * Schema as metadata, which the converter merges; the custom schema itself
 * converts to `{}`. Anything else the converter cannot express is an error.
 * Used by scripts and docs only: the daemon and the CLI never load this.
 */
export function toJsonSchema(schema: GenericSchema, definitions?: Record<string, GenericSchema>): Record<string, unknown> {
  return convert(schema, {
    // a schema named here is written once under $defs and referred to wherever it is used
    ...(definitions ? { definitions } : {}),
    // a pipe of schemas (stringMap: a plain-object check, then the record) is described by its last schema (the record); orch's schemas transform nothing, so output and input are alike
    typeMode: 'output',
    overrideSchema: (c) => (c.valibotSchema.type === 'custom' ? {} : undefined),
    // JSON has no NaN or Infinity: every JSON number is finite, so `finite` (num()) adds nothing
    overrideAction: (c) => (c.valibotAction.type === 'finite' ? c.jsonSchema : undefined),
  }) as Record<string, unknown>
}
