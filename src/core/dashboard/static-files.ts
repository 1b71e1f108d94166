import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { PACKAGE_ROOT } from '../package-root.js'

/** The page's files, shipped in the package (package.json "files"): no CDN, works offline. */
export const STATIC_DIR = join(PACKAGE_ROOT, 'dashboard')

const FILES: Record<string, { file: string; type: string }> = {
  '/': { file: 'index.html', type: 'text/html; charset=utf-8' },
  ...Object.fromEntries(['app', 'dom', 'state', 'agents', 'queue', 'traces', 'graph'].map((m) => [`/${m}.js`, { file: `${m}.js`, type: 'text/javascript; charset=utf-8' }])),
  '/style.css': { file: 'style.css', type: 'text/css; charset=utf-8' },
  '/favicon.svg': { file: 'favicon.svg', type: 'image/svg+xml' },
}

export interface StaticFile {
  body: Buffer
  type: string
}

/** Read once, when the dashboard starts: a few tens of KB. */
export async function loadStaticFiles(dir = STATIC_DIR): Promise<Map<string, StaticFile>> {
  const out = new Map<string, StaticFile>()
  for (const [path, { file, type }] of Object.entries(FILES)) out.set(path, { body: await readFile(join(dir, file)), type })
  return out
}
