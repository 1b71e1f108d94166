// Shared by the team example's coordinator and workers: which files a job covers, and how words are counted.
import { readdir, stat } from 'node:fs/promises'
import { join } from 'node:path'

/** A word: letters, digits and `_`, with inner apostrophes (don't, it's). Case is folded. */
const WORD = /[\p{L}\p{N}_]+(?:['’][\p{L}\p{N}_]+)*/gu
/** Bigger files are skipped: the example counts text, not data dumps. */
const MAX_FILE_BYTES = 1 << 20
const SKIPPED_DIRS = new Set(['node_modules', '.git', 'dist'])

/** word → occurrences in `text`. */
export function countWords(text) {
  const counts = new Map()
  for (const [w] of text.toLowerCase().matchAll(WORD)) counts.set(w, (counts.get(w) ?? 0) + 1)
  return counts
}

/** Every file under `dir` (sorted, hidden entries and node_modules/.git/dist skipped), optionally only those ending in one of `exts`. */
export async function listFiles(dir, exts) {
  const wanted = exts === undefined ? undefined : [exts].flat()
  const out = []
  const walk = async (d) => {
    const entries = (await readdir(d, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    for (const e of entries) {
      if (e.name.startsWith('.')) continue
      const p = join(d, e.name)
      if (e.isDirectory()) {
        if (!SKIPPED_DIRS.has(e.name)) await walk(p)
      } else if (e.isFile() && (!wanted || wanted.some((x) => e.name.endsWith(x))) && (await stat(p)).size <= MAX_FILE_BYTES) {
        out.push(p)
      }
    }
  }
  await walk(dir)
  return out
}
