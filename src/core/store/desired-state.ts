import { readFileSync } from 'node:fs'
import type { ResolvedAgent } from '../config/types.js'
import { FileFormatError } from '../errors/file-format-error.js'
import type { SpawnSpec } from '../plugins/types.js'
import { formatProblems, isPlainObject, quote } from '../schema/problems.js'
import { writeFileAtomic } from './atomic-write.js'
import { checkFormatVersion } from './format-version.js'
import { moveFileAside } from './move-aside.js'
import { desiredEntryProblems } from './persisted-schemas.js'

/** The format of desired.json (field `version`; none means 1). */
export const DESIRED_FORMAT_VERSION = 1

/** The agents that should run, for `orch resurrect` after a reboot. */
export interface DesiredState {
  savedAt: number
  agents: Array<{ agent: ResolvedAgent; spec: SpawnSpec; configPath: string | null; shellEnv?: Record<string, string> | null }>
}

/** Atomic (temporary file, fsync, rename, fsync of the folder): a crash leaves the old file or the new one. */
export function writeDesiredState(file: string, state: DesiredState): void {
  writeFileAtomic(file, JSON.stringify({ version: DESIRED_FORMAT_VERSION, ...state }))
}

const FIX = 'fix it, or delete it and start your agents with `orch start <config>` (orch writes it again at every change)'

/** Checks a parsed desired.json; throws a FileFormatError that names the file, the bad field and what to do. */
function toDesiredState(file: string, value: unknown): DesiredState {
  if (!isPlainObject(value)) throw new FileFormatError(file, `${file} must hold an object with 'agents', got ${quote(value)}: ${FIX}`)
  checkFormatVersion(file, value.version, DESIRED_FORMAT_VERSION)
  const problems = Array.isArray(value.agents)
    ? value.agents.flatMap((entry, i) => desiredEntryProblems(entry, `agents[${i}].`))
    : [{ field: 'agents', value: value.agents, allowed: 'an array of agents' }]
  if (problems.length > 0) throw new FileFormatError(file, `${file} is not a desired state: ${formatProblems(problems.slice(0, 3))}; ${FIX}`)
  return { savedAt: typeof value.savedAt === 'number' ? value.savedAt : 0, agents: value.agents as DesiredState['agents'] }
}

export type DesiredStateRead =
  | { state: DesiredState | null; movedTo?: undefined }
  /** the file was not JSON (torn, garbage): it was moved to `movedTo` */
  | { state: null; movedTo: string; reason: string }

/**
 * Reads desired.json: null when there is none. Bytes that are not JSON are
 * moved aside (nothing in them can be trusted); a file of the wrong shape or
 * an unknown version is left in place and throws a FileFormatError, since a
 * person may have edited it and can fix it.
 */
export function readDesiredState(file: string): DesiredStateRead {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { state: null }
    throw err
  }
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (err) {
    return { state: null, movedTo: moveFileAside(file), reason: `not JSON (${(err as Error).message})` }
  }
  return { state: toDesiredState(file, value) }
}
