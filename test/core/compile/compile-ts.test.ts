import { readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, expect, it } from 'vitest'
import { tsProject } from '../../helpers/ts-project.js'
import { CACHE_MAX_AGE_MS, compileTs } from '../../../src/core/compile/compile-ts.js'

const dirs: string[] = []
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

const project = (): { src: string; cache: string } => tsProject(dirs, 'orch-cts-')

it('names the output by its content: the same sources give the same file, an edited import a new one', async () => {
  const { src, cache } = project()
  const a = await compileTs(join(src, 'agent.ts'), cache)
  expect(await compileTs(join(src, 'agent.ts'), cache)).toBe(a)
  expect(a).toMatch(/\/[0-9a-f]{64}\.mjs$/)
  writeFileSync(join(src, 'lib', 'n.ts'), 'export const n: number = 2\n')
  const b = await compileTs(join(src, 'agent.ts'), cache)
  expect(b).not.toBe(a)
  expect(readFileSync(b, 'utf8')).toContain('n = 2')
})

it('removes compiled files unused for longer than CACHE_MAX_AGE_MS when it writes a new one; a reused one is kept', async () => {
  const { src, cache } = project()
  const old = await compileTs(join(src, 'agent.ts'), cache)
  const longAgo = (Date.now() - CACHE_MAX_AGE_MS - 60_000) / 1000
  utimesSync(old, longAgo, longAgo)
  writeFileSync(join(cache, 'x.mjs.123.tmp'), '')
  utimesSync(join(cache, 'x.mjs.123.tmp'), longAgo, longAgo)
  expect(await compileTs(join(src, 'agent.ts'), cache)).toBe(old) // reused: used now
  writeFileSync(join(src, 'lib', 'n.ts'), 'export const n: number = 3\n')
  const fresh = await compileTs(join(src, 'agent.ts'), cache)
  expect(readdirSync(cache).sort()).toEqual([old, fresh].map((f) => f.slice(cache.length + 1)).sort())
  utimesSync(old, longAgo, longAgo)
  writeFileSync(join(src, 'lib', 'n.ts'), 'export const n: number = 4\n')
  const newest = await compileTs(join(src, 'agent.ts'), cache)
  expect(readdirSync(cache).sort()).toEqual([fresh, newest].map((f) => f.slice(cache.length + 1)).sort())
})
