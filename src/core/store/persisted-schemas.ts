import { AGENT_NAME_PATTERN } from '../config/schema.js'
import { AGENT_STATUSES } from '../protocol/types.js'
import { checkSchema, isPlainObject, type FieldProblem, type FieldSpec, type Schema } from '../schema/field.js'

/**
 * The shapes orch writes to disk, checked when read back: a file a crash,
 * a disk or a person damaged is caught here, not deep in the supervisor.
 * Fields that may be null are checked apart (`NULLABLE`), as field.ts has
 * no null.
 */

const name = { kind: 'string', required: true, pattern: AGENT_NAME_PATTERN, patternText: 'an agent name' } as const
const ms = { kind: 'number', required: true, min: 0 } as const
const strings = { kind: 'stringArray', required: true } as const

/** A ResolvedAgent (config/types.ts) as the state store and desired.json keep it. */
const RESOLVED_AGENT: Schema = {
  name,
  type: { kind: 'string', required: true, nonEmpty: true },
  cwd: { kind: 'string', required: true },
  env: { kind: 'stringMap', required: true },
  args: strings,
  instances: { kind: 'integer', required: true, min: 1 },
  autorestart: { kind: 'enum', required: true, values: [true, false, 'on-failure'] },
  maxRestarts: { kind: 'integer', required: true, min: 0 },
  restartWindowMs: ms,
  backoff: { kind: 'object', required: true, fields: { initialMs: ms, maxMs: ms, factor: { kind: 'number', required: true, min: 1 } } },
  startGraceMs: ms,
  killTimeoutMs: ms,
  killSignal: { kind: 'string', required: true, nonEmpty: true },
  watch: strings,
  dependsOn: strings,
  logMaxBytes: ms,
  logRetain: { kind: 'integer', required: true, min: 0 },
  concurrency: { kind: 'integer', min: 1 },
  leaseTimeoutMs: { kind: 'number', min: 0 },
  raw: { kind: 'object', required: true, fields: {} },
  configDir: { kind: 'string', required: true },
}

const SPAWN_SPEC: Schema = {
  // empty for an 'external' agent, which orch does not start
  command: { kind: 'string', required: true },
  args: strings,
  env: { kind: 'stringMap' },
  cwd: { kind: 'string' },
}

/** One entry of desired.json's `agents`. */
export const DESIRED_ENTRY: Schema = {
  agent: { kind: 'object', required: true, fields: RESOLVED_AGENT },
  spec: { kind: 'object', required: true, fields: SPAWN_SPEC },
}

/** An InstanceRecord (store/instance-record.ts) as a document of data/agents.db. */
export const INSTANCE_DOC: Schema = {
  _id: { kind: 'string', required: true, nonEmpty: true },
  name,
  index: { kind: 'integer', required: true, min: 0 },
  ...DESIRED_ENTRY,
  desired: { kind: 'enum', required: true, values: ['running', 'stopped'] },
  status: { kind: 'enum', required: true, values: AGENT_STATUSES },
  restarts: { kind: 'integer', required: true, min: 0 },
  history: { kind: 'object', required: true, fields: { restarts: { kind: 'json', required: true }, consecutive: { kind: 'integer', required: true, min: 0 } } },
  events: { kind: 'json', required: true },
  format: { kind: 'integer' },
}

/** Fields that may also be null (and, unless listed in `required`, absent). */
const NULLABLE: Record<string, Schema> = {
  agent: { readyTimeoutMs: { kind: 'number', min: 0 }, maxMemoryBytes: { kind: 'number', min: 0 } },
  entry: { configPath: { kind: 'string' } },
  instance: {
    pid: { kind: 'integer', min: 1 },
    procStart: { kind: 'number', min: 0 },
    startedAt: { kind: 'number', min: 0 },
    token: { kind: 'string' },
  },
}

function checkNullable(schema: Schema, obj: unknown, prefix: string): FieldProblem[] {
  if (!isPlainObject(obj)) return []
  const present = Object.fromEntries(Object.entries(obj).filter(([k, v]) => k in schema && v !== null))
  return checkSchema(schema, present, prefix)
}

function checkArray(value: unknown, field: string, allowed: string, ok: (item: unknown) => boolean): FieldProblem[] {
  return Array.isArray(value) && value.every(ok) ? [] : [{ field, value, allowed }]
}

/** What is wrong with one entry of desired.json's `agents` (prefix: its place, e.g. `agents[2].`). */
export function desiredEntryProblems(entry: unknown, prefix = ''): FieldProblem[] {
  if (!isPlainObject(entry)) return [{ field: prefix.replace(/\.$/, ''), value: entry, allowed: 'an object with agent, spec, configPath' }]
  return [
    ...checkSchema(DESIRED_ENTRY, entry, prefix),
    ...checkNullable(NULLABLE.entry!, entry, prefix),
    ...checkNullable(NULLABLE.agent!, entry.agent, `${prefix}agent.`),
  ]
}

/** What is wrong with one document of data/agents.db. */
export function instanceDocProblems(doc: unknown): FieldProblem[] {
  if (!isPlainObject(doc)) return [{ field: '(document)', value: doc, allowed: 'an object' }]
  const history = isPlainObject(doc.history) ? doc.history : {}
  return [
    ...checkSchema(INSTANCE_DOC, doc),
    ...checkNullable(NULLABLE.entry!, doc, ''),
    ...checkNullable(NULLABLE.agent!, doc.agent, 'agent.'),
    ...checkNullable(NULLABLE.instance!, doc, ''),
    ...checkArray(history.restarts ?? [], 'history.restarts', 'an array of times (ms)', (t) => typeof t === 'number'),
    ...checkArray(doc.events, 'events', 'an array of {at, from, to, reason}', (e) => isPlainObject(e) && typeof e.at === 'number'),
  ]
}
