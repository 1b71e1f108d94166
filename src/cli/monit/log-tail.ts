import type { OrchPaths } from '../../core/paths.js'
import { findLogFiles, lastLines, tailOrder } from '../log-files.js'

/** The last `n` lines of an instance's stdout and stderr (stderr marked), the file written to last at the bottom. */
export function logTail(paths: OrchPaths, id: string, n: number): string[] {
  const files = tailOrder(findLogFiles(paths, id, ['out', 'err']).filter((f) => f.agent === id))
  return files.flatMap((f) => lastLines(f, n).map((l) => (f.stream === 'err' ? `err│ ${l.line}` : l.line))).slice(-n)
}
