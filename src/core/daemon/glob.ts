/**
 * The few glob forms `ignoreWatch` takes (chokidar 5 dropped globs):
 * `*` and `?` within one path segment, `**` as a whole segment for any
 * number of segments (none included). Nothing else is special.
 */

/** Whether a pattern uses a glob form, rather than naming a path. */
export function isGlob(pattern: string): boolean {
  return /[*?]/.test(pattern)
}

const escape = (s: string): string => s.replace(/[.+^${}()|[\]\\]/g, '\\$&')

function segment(seg: string): string {
  return seg.split('').map((c) => (c === '*' ? '[^/]*' : c === '?' ? '[^/]' : escape(c))).join('')
}

/** A glob over '/'-separated paths as a RegExp of the whole path. */
export function globToRegExp(glob: string): RegExp {
  // `a/**/**/b` is `a/**/b`
  const segs = glob.split('/').filter((s, i, all) => !(s === '**' && all[i - 1] === '**'))
  let re = ''
  segs.forEach((s, i) => {
    const last = i === segs.length - 1
    if (s === '**') {
      // leading: `**/x` is x at any depth; after a segment: `a/**` is a and all under it, `a/**/b` is a/b, a/x/b, a/x/y/b
      if (i === 0) re += last ? '.*' : '(?:.*/)?'
      else re += '(?:/.*)?'
      return
    }
    // a leading `**` brings its own '/'
    if (i > 0 && !(i === 1 && segs[0] === '**')) re += '/'
    re += segment(s)
  })
  return new RegExp(`^${re}$`)
}
