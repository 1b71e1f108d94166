import { closeSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs'
import type { ResolvedAgent } from '../config/types.js'
import type { SpawnSpec } from '../plugins/types.js'

/** The agents that should run, for `orch resurrect` after a reboot. */
export interface DesiredState {
  savedAt: number
  agents: Array<{ agent: ResolvedAgent; spec: SpawnSpec; configPath: string | null }>
}

/** Written to a temporary file, fsynced, then renamed over the old one: a crash leaves the old or the new file, never half of one. */
export function writeDesiredState(file: string, state: DesiredState): void {
  const tmp = `${file}.${process.pid}.tmp`
  const fd = openSync(tmp, 'w', 0o600)
  try {
    writeSync(fd, JSON.stringify(state))
    fsyncSync(fd)
  } finally {
    closeSync(fd)
  }
  renameSync(tmp, file)
}

export function readDesiredState(file: string): DesiredState | null {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as DesiredState
  } catch {
    return null
  }
}
