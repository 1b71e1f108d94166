import { readFile } from 'node:fs/promises'

/**
 * A small versioned settings file of the daemon's (`{ "version": N, … }`):
 * its object when it is there and of `version`; undefined when it is
 * missing (said nothing), or unreadable or of another version (said
 * through `onBad`, with `otherwise`: what the daemon does instead).
 */
export async function readSettingsFile(file: string, version: number, onBad: (why: string) => void, otherwise: string): Promise<Record<string, unknown> | undefined> {
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') onBad(String(err))
    return undefined
  }
  try {
    const raw = JSON.parse(text) as unknown
    if (typeof raw !== 'object' || raw === null) throw new Error('not an object')
    const got = (raw as { version?: unknown }).version
    if (got !== version) throw new Error(`version ${String(got)}, this orch reads ${version}`)
    return raw as Record<string, unknown>
  } catch (err) {
    onBad(`${file}: ${(err as Error).message}; ${otherwise}`)
    return undefined
  }
}

/** A remembered listening address: a host name and a TCP port (0–65535). */
export function addressOf(raw: unknown): { host: string; port: number } | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined
  const { host, port } = raw as { host?: unknown; port?: unknown }
  if (typeof host !== 'string' || typeof port !== 'number' || !Number.isInteger(port) || port < 0 || port > 65535) return undefined
  return { host, port }
}
