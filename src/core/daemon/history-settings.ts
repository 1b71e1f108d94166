import { readFile, rename } from 'node:fs/promises'
import * as v from 'valibot'
import { DEFAULT_HISTORY_BOUND, type HistoryBound } from '../history/history-bound.js'
import { FileFormatError } from '../errors/file-format-error.js'
import { replaceFile } from '../queue/replace-file.js'
import { HISTORY_SETTINGS } from '../store/persisted-schemas.js'
import type { RecoveryLog } from '../store/recovery-log.js'
import { corruptPath } from '../store/corrupt-path.js'

/**
 * data/history-settings.json: the message history's bound the last config
 * set (top-level `history`), so that the next daemon keeps what the user
 * asked for before any config is loaded again. Versioned like
 * queue-settings.json.
 */
export const HISTORY_SETTINGS_VERSION = 1

interface HistorySettingsFile extends HistoryBound {
  version: number
}

/** Missing: the defaults. Unreadable: moved aside, noted, the defaults. Of an unknown version: a FileFormatError. */
export async function readHistorySettings(file: string, recovery: RecoveryLog): Promise<HistoryBound> {
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { ...DEFAULT_HISTORY_BOUND }
    throw err
  }
  let raw: Partial<HistorySettingsFile> | null = null
  try {
    raw = JSON.parse(text) as Partial<HistorySettingsFile>
  } catch {}
  if (raw && typeof raw === 'object' && Number.isInteger(raw.version) && raw.version !== HISTORY_SETTINGS_VERSION) {
    throw new FileFormatError(
      file,
      `${file} is of version ${raw.version}, and this orch reads version ${HISTORY_SETTINGS_VERSION}: a newer orch wrote it. ` +
        `Run that newer orch, or delete the file (the history then keeps its defaults until the next 'orch start')`,
    )
  }
  const settings = raw?.version === HISTORY_SETTINGS_VERSION ? v.safeParse(HISTORY_SETTINGS, raw) : null
  if (settings?.success) return { enabled: settings.output.enabled, maxEvents: settings.output.maxEvents, maxAgeMs: settings.output.maxAgeMs }
  const movedTo = corruptPath(file)
  const kept = await rename(file, movedTo).then(
    () => movedTo,
    () => null,
  )
  recovery.note({ file, lines: 1, movedTo: kept, reason: `not a history settings file of version ${HISTORY_SETTINGS_VERSION}; using the defaults` })
  return { ...DEFAULT_HISTORY_BOUND }
}

export async function writeHistorySettings(file: string, bound: HistoryBound): Promise<void> {
  const content: HistorySettingsFile = { version: HISTORY_SETTINGS_VERSION, ...bound }
  await replaceFile(file, `${JSON.stringify(content)}\n`)
}
