import { readFile, rename } from 'node:fs/promises'
import * as v from 'valibot'
import { FileFormatError } from '../errors/file-format-error.js'
import { DEFAULT_DURABILITY } from '../config/durability.js'
import { replaceFile } from '../queue/replace-file.js'
import { QUEUE_SETTINGS } from '../store/persisted-schemas.js'
import type { RecoveryLog } from '../store/recovery-log.js'
import { corruptPath } from '../store/corrupt-path.js'

/**
 * data/queue-settings.json: the queue settings the last config set, so the
 * next daemon opens the queue with them. The daemon opens the queue before
 * any config is loaded (a config comes with `orch start`), so without this
 * file a restart would run with the default until the next `orch start`.
 */
export const QUEUE_SETTINGS_VERSION = 1

export type QueueSettings = v.InferOutput<typeof QUEUE_SETTINGS>

interface QueueSettingsFile extends QueueSettings {
  version: number
}

export const DEFAULT_QUEUE_SETTINGS: QueueSettings = { durability: DEFAULT_DURABILITY }

/**
 * Missing: the defaults. Unreadable or of a wrong shape: moved aside, noted,
 * and the defaults (never a refusal to start). Of an unknown version: a
 * FileFormatError, since a newer orch may mean something else by it.
 */
export async function readQueueSettings(file: string, recovery: RecoveryLog): Promise<QueueSettings> {
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { ...DEFAULT_QUEUE_SETTINGS }
    throw err
  }
  let raw: Partial<QueueSettingsFile> | null = null
  try {
    raw = JSON.parse(text) as Partial<QueueSettingsFile>
  } catch {}
  if (raw && typeof raw === 'object' && Number.isInteger(raw.version) && raw.version !== QUEUE_SETTINGS_VERSION) {
    throw new FileFormatError(
      file,
      `${file} is of version ${raw.version}, and this orch reads version ${QUEUE_SETTINGS_VERSION}: a newer orch wrote it. ` +
        `Run that newer orch, or delete the file (the queue then runs with the default settings until the next 'orch start')`,
    )
  }
  const settings = raw?.version === QUEUE_SETTINGS_VERSION ? v.safeParse(QUEUE_SETTINGS, raw) : null
  if (settings?.success) return settings.output
  const movedTo = corruptPath(file)
  const kept = await rename(file, movedTo).then(
    () => movedTo,
    () => null,
  )
  recovery.note({ file, lines: 1, movedTo: kept, reason: `not a queue settings file of version ${QUEUE_SETTINGS_VERSION}; using the defaults` })
  return { ...DEFAULT_QUEUE_SETTINGS }
}

export async function writeQueueSettings(file: string, settings: QueueSettings): Promise<void> {
  const content: QueueSettingsFile = { version: QUEUE_SETTINGS_VERSION, ...settings }
  await replaceFile(file, `${JSON.stringify(content)}\n`)
}
