import { readFile, rename } from 'node:fs/promises'
import * as v from 'valibot'
import type { OtlpSettings } from '../config/types.js'
import { FileFormatError } from '../errors/file-format-error.js'
import { replaceFile } from '../queue/replace-file.js'
import { str } from '../schema/fields.js'
import { objectOf } from '../schema/object-of.js'
import type { RecoveryLog } from '../store/recovery-log.js'
import { corruptPath } from '../store/corrupt-path.js'

/**
 * data/otlp-settings.json: the `otlp` the last config set (or null after
 * `enabled: false`), so that the next daemon (a restart, the watchdog's
 * restart after a crash) keeps exporting without a new `orch start`. Its
 * headers may hold a secret (Langfuse's Basic auth): the file is 0600 in
 * ORCH_HOME (0700), like the queue.
 */
export const OTLP_SETTINGS_VERSION = 1

const URL_PATTERN = /^https?:\/\/[^\s/]+/

const FILE = objectOf({
  version: v.literal(OTLP_SETTINGS_VERSION),
  otlp: v.nullable(objectOf({ endpoint: str({ pattern: URL_PATTERN }), headers: v.record(v.string(), v.string()) })),
})

/** Where spans go for a base endpoint: `${endpoint}/v1/traces`, as OTEL_EXPORTER_OTLP_ENDPOINT is read; a URL ending with /v1/traces is taken as is. */
export function tracesUrl(endpoint: string): string {
  const base = endpoint.replace(/\/+$/, '')
  return /\/v1\/traces$/.test(base) ? base : `${base}/v1/traces`
}

/** ORCH_OTLP_ENDPOINT, read at daemon start: the settings, null when unset, or an error text when it is not a URL. */
export function otlpFromEnv(env: NodeJS.ProcessEnv): OtlpSettings | null | { invalid: string } {
  const endpoint = env.ORCH_OTLP_ENDPOINT?.trim()
  if (!endpoint) return null
  if (!URL_PATTERN.test(endpoint)) return { invalid: `ORCH_OTLP_ENDPOINT must be an http:// or https:// URL such as 'http://127.0.0.1:4318', got '${endpoint}'` }
  // headers: OTEL_EXPORTER_OTLP_HEADERS, which the exporter reads itself
  return { endpoint, headers: {} }
}

/** Missing: undefined (nothing remembered). Damaged: moved aside, noted, undefined. Of another version: a FileFormatError. */
export async function readOtlpSettings(file: string, recovery: RecoveryLog): Promise<OtlpSettings | null | undefined> {
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw err
  }
  let raw: { version?: unknown } | null = null
  try {
    raw = JSON.parse(text) as { version?: unknown }
  } catch {}
  if (raw && typeof raw === 'object' && Number.isInteger(raw.version) && raw.version !== OTLP_SETTINGS_VERSION) {
    throw new FileFormatError(
      file,
      `${file} is of version ${String(raw.version)}, and this orch reads version ${OTLP_SETTINGS_VERSION}: a newer orch wrote it. ` +
        `Run that newer orch, or delete the file (spans are then not exported until the next 'orch start' of a config with 'otlp')`,
    )
  }
  const parsed = v.safeParse(FILE, raw)
  if (parsed.success) return parsed.output.otlp
  const movedTo = corruptPath(file)
  const kept = await rename(file, movedTo).then(
    () => movedTo,
    () => null,
  )
  recovery.note({ file, lines: 1, movedTo: kept, reason: `not an otlp settings file of version ${OTLP_SETTINGS_VERSION}; spans are not exported until the next 'orch start' of a config with 'otlp'` })
  return undefined
}

export async function writeOtlpSettings(file: string, otlp: OtlpSettings | null): Promise<void> {
  await replaceFile(file, `${JSON.stringify({ version: OTLP_SETTINGS_VERSION, otlp })}\n`)
}
