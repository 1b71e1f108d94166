import { isoTime } from '../iso-time.js'

/** Where an unreadable `file` is kept for a person to look at: `<file>.corrupt-<time>` (the time with ':' and '.' as '-'). */
export function corruptPath(file: string, at: number = Date.now()): string {
  return `${file}.corrupt-${isoTime(at).replace(/[:.]/g, '-')}`
}
