import { readFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ROOT } from '../helpers/orch.js'

/** The packages a built module loads at run time, following its relative imports (type imports are gone from dist; an import clause is names, braces and commas). */
function packagesLoadedBy(entry: string): Set<string> {
  const seen = new Set<string>()
  const packages = new Set<string>()
  const visit = (file: string): void => {
    if (seen.has(file)) return
    seen.add(file)
    for (const m of readFileSync(file, 'utf8').matchAll(/^\s*(?:import|export)\s[\w\s{},*$]*?from\s+['"]([^'"]+)['"]/gm)) {
      const spec = m[1]!
      if (spec.startsWith('.')) visit(resolve(dirname(file), spec))
      else packages.add(spec)
    }
  }
  visit(entry)
  return packages
}

describe('the agent SDK', () => {
  it('loads no schema library: it uses the protocol types, the daemon checks the params', () => {
    const packages = packagesLoadedBy(join(ROOT, 'dist/src/agent/index.js'))
    expect([...packages].filter((p) => !p.startsWith('node:'))).toEqual([])
  })
})
