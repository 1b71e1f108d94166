import { readFileSync } from 'node:fs'
import * as v from 'valibot'
import { isPlainObject } from '../schema/problems.js'
import { writeFileAtomic } from './atomic-write.js'
import { checkFormatVersion, damagedFormat, isNewerFormat } from './format-version.js'
import { moveFileAside } from './move-aside.js'
import { REMEMBERED_PLUGIN } from './persisted-schemas.js'

/** The format of data/plugins.json (field `version`; a bare array, as the first release wrote it, is 1). */
export const PLUGINS_FORMAT_VERSION = 1

/** A config's plugin, kept so a restarted daemon loads it again. */
export type RememberedPlugin = v.InferOutput<typeof REMEMBERED_PLUGIN>

const PLUGIN_LIST = v.array(REMEMBERED_PLUGIN)

export interface PluginListRepair {
  file: string
  /** entries dropped: all of them, as the file could not be read as a whole */
  lines: number
  movedTo: string
  reason: string
}

/**
 * data/plugins.json: the plugins configs asked for. Only the daemon writes
 * it, so an unreadable file or one of the wrong shape is moved aside (the
 * plugins load again at the next `orch start` of their config); one of an
 * unknown version throws a FileFormatError.
 */
export class PluginList {
  private plugins: RememberedPlugin[] = []

  constructor(readonly file: string) {}

  /** Reads the file; returns what was moved aside, if anything. */
  load(): PluginListRepair | null {
    this.plugins = []
    let text: string
    try {
      text = readFileSync(this.file, 'utf8')
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null
      throw err
    }
    let value: unknown
    try {
      value = JSON.parse(text)
    } catch (err) {
      return this.moveAside(text, `not JSON (${(err as Error).message})`)
    }
    if (isPlainObject(value)) {
      if (isNewerFormat(value.version, PLUGINS_FORMAT_VERSION)) checkFormatVersion(this.file, value.version, PLUGINS_FORMAT_VERSION)
      const damaged = damagedFormat(value.version, PLUGINS_FORMAT_VERSION)
      if (damaged) return this.moveAside(text, damaged)
    }
    const list = Array.isArray(value) ? value : isPlainObject(value) ? value.plugins : undefined
    const parsed = v.safeParse(PLUGIN_LIST, list)
    if (!parsed.success) return this.moveAside(text, 'not a list of {spec, baseDir}')
    // the output holds only spec and baseDir: anything else a hand edit added is dropped
    this.plugins = parsed.output
    return null
  }

  all(): RememberedPlugin[] {
    return [...this.plugins]
  }

  /** Adds a plugin (once) and writes the file atomically. */
  remember(spec: string, baseDir: string): void {
    const next = [...this.plugins.filter((p) => !(p.spec === spec && p.baseDir === baseDir)), { spec, baseDir }]
    writeFileAtomic(this.file, JSON.stringify({ version: PLUGINS_FORMAT_VERSION, plugins: next }))
    this.plugins = next
  }

  private moveAside(text: string, reason: string): PluginListRepair {
    let lines = 1
    try {
      const v = JSON.parse(text) as unknown
      const list = Array.isArray(v) ? v : isPlainObject(v) ? v.plugins : undefined
      if (Array.isArray(list)) lines = list.length
    } catch {}
    return { file: this.file, lines, movedTo: moveFileAside(this.file), reason }
  }
}
