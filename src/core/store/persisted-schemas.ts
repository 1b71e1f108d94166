import * as v from 'valibot'
import { DURABILITY_VALUES } from '../config/durability.js'
import { AGENT_NAME_PATTERN } from '../config/schema.js'
import { AGENT_STATUSES } from '../protocol/types.js'
import { bool, int, num, oneOf, str, stringMap, strings } from '../schema/fields.js'
import { looseObjectOf, objectOf } from '../schema/object-of.js'
import { isPlainObject, problemsOf, type FieldProblem } from '../schema/problems.js'

/**
 * The shapes orch writes to disk, checked when read back: a file a crash,
 * a disk or a person damaged is caught here, not deep in the supervisor.
 * A field that may be null may also be absent (`v.nullish`): files written
 * before it existed lack it.
 */

const name = str({ pattern: AGENT_NAME_PATTERN, allowed: 'an agent name' })
const ms = num({ min: 0 })

/** A ResolvedAgent (config/types.ts) as the state store and desired.json keep it. */
export const RESOLVED_AGENT = objectOf({
  name,
  type: str({ nonEmpty: true }),
  cwd: str(),
  env: stringMap(),
  args: strings(),
  instances: int({ min: 1 }),
  autorestart: oneOf([true, false, 'on-failure']),
  maxRestarts: int({ min: 0 }),
  restartWindowMs: ms,
  backoff: objectOf({ initialMs: ms, maxMs: ms, factor: num({ min: 1 }) }),
  startGraceMs: ms,
  readyTimeoutMs: v.nullish(ms),
  killTimeoutMs: ms,
  killSignal: str({ nonEmpty: true }),
  maxMemoryBytes: v.nullish(ms),
  watch: strings(),
  // absent from files written before it existed
  ignoreWatch: v.optional(strings()),
  dependsOn: strings(),
  logMaxBytes: ms,
  logRetain: int({ min: 0 }),
  concurrency: v.optional(int({ min: 1 })),
  leaseTimeoutMs: v.optional(ms),
  raw: looseObjectOf({}, 'an object'),
  configDir: str(),
})

/** A SpawnSpec (plugins/types.ts). */
const SPAWN_SPEC = objectOf({
  // empty for an 'external' agent, which orch does not start
  command: str(),
  args: strings(),
  env: v.optional(stringMap()),
  cwd: v.optional(str()),
})

const DESIRED_ENTRY_FIELDS = {
  agent: RESOLVED_AGENT,
  spec: SPAWN_SPEC,
  configPath: v.nullish(str()),
  shellEnv: v.nullish(stringMap()),
}

/** One entry of desired.json's `agents`. */
export const DESIRED_ENTRY = objectOf(DESIRED_ENTRY_FIELDS)

/** What the restart policy remembers of an instance's past exits (store/instance-record.ts). */
export const RESTART_HISTORY = objectOf({
  /** when each automatic restart was scheduled (ms epoch), oldest first */
  restarts: v.message(v.array(ms), 'an array of times (ms)'),
  /** failures since the agent last ran long enough to count as stable */
  consecutive: int({ min: 0 }),
})

/** An InstanceRecord (store/instance-record.ts) as a document of data/agents.db. */
export const INSTANCE_DOC = objectOf({
  _id: str({ nonEmpty: true }),
  name,
  index: int({ min: 0 }),
  ...DESIRED_ENTRY_FIELDS,
  desired: oneOf(['running', 'stopped']),
  status: oneOf(AGENT_STATUSES),
  pid: v.nullish(int({ min: 1 })),
  procStart: v.nullish(ms),
  startedAt: v.nullish(ms),
  token: v.nullish(str()),
  runningDef: v.nullish(str()),
  retiring: v.nullish(objectOf({ pid: int({ min: 1 }), procStart: v.nullish(ms) }, 'a process {pid, procStart}')),
  restarts: int({ min: 0 }),
  history: RESTART_HISTORY,
  events: v.message(v.array(objectOf({ at: ms }, 'an event {at, from, to, reason}')), 'an array of {at, from, to, reason}'),
  format: v.optional(int()),
})

/** What is wrong with one entry of desired.json's `agents` (prefix: its place, e.g. `agents[2].`). */
export function desiredEntryProblems(entry: unknown, prefix = ''): FieldProblem[] {
  return problemsOf(DESIRED_ENTRY, entry, prefix)
}

/** What is wrong with one document of data/agents.db. */
export function instanceDocProblems(doc: unknown): FieldProblem[] {
  if (!isPlainObject(doc)) return [{ field: '(document)', value: doc, allowed: 'an object' }]
  return problemsOf(INSTANCE_DOC, doc)
}

/** One plugin of data/plugins.json (store/plugin-list.ts). */
export const REMEMBERED_PLUGIN = objectOf({ spec: str({ nonEmpty: true }), baseDir: str() })

/** data/queue-settings.json (daemon/queue-settings.ts), of the version this orch writes. */
export const QUEUE_SETTINGS = objectOf({ durability: oneOf(DURABILITY_VALUES) })

/** data/history-settings.json (daemon/history-settings.ts), of the version this orch writes. */
export const HISTORY_SETTINGS = objectOf({ enabled: bool(), maxEvents: int({ min: 1 }), maxAgeMs: int({ min: 1 }) })
