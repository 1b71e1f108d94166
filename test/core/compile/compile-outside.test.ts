// The compiler child: compiles .ts agents outside the daemon, one child for a
// burst of compiles, which leaves when idle; a compile error keeps its message.
import { readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, expect, it } from 'vitest'
import { tsProject } from '../../helpers/ts-project.js'
import { CompilerChild } from '../../../src/core/compile/compile-outside.js'
import { isAlive, waitFor } from '../../helpers/orch.js'

const dirs: string[] = []
const children: CompilerChild[] = []
afterEach(() => {
  for (const c of children.splice(0)) c.stop()
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

const project = (): { src: string; cache: string } => tsProject(dirs, 'orch-cout-')

function compiler(idleMs?: number): CompilerChild {
  const c = new CompilerChild(undefined, idleMs)
  children.push(c)
  return c
}

it('compiles in a child process, the same file as compileTs names; concurrent compiles share one child', async () => {
  const { src, cache } = project()
  const c = compiler()
  const files = await Promise.all(Array.from({ length: 8 }, () => c.compile(join(src, 'agent.ts'), cache)))
  expect(new Set(files).size).toBe(1)
  expect(files[0]).toMatch(/\/[0-9a-f]{64}\.mjs$/)
  expect(readFileSync(files[0]!, 'utf8')).toContain('n = 1')
  const pid = c.pid
  expect(pid).not.toBeNull()
  expect(pid).not.toBe(process.pid)
  writeFileSync(join(src, 'lib', 'n.ts'), 'export const n: number = 2\n')
  expect(readFileSync(await c.compile(join(src, 'agent.ts'), cache), 'utf8')).toContain('n = 2')
  expect(c.pid).toBe(pid)
})

it("a compile error rejects with esbuild's first error as FILE:LINE:COLUMN, and the child serves the next compile", async () => {
  const { src, cache } = project()
  writeFileSync(join(src, 'broken.ts'), 'const x: number = )\n')
  const c = compiler()
  await expect(c.compile(join(src, 'broken.ts'), cache)).rejects.toThrow(`cannot compile ${join(src, 'broken.ts')}:1:19: Unexpected ")"`)
  await expect(c.compile(join(src, 'agent.ts'), cache)).resolves.toMatch(/\.mjs$/)
})

it('the idle child exits, and the next compile starts another', async () => {
  const { src, cache } = project()
  const c = compiler(100)
  await c.compile(join(src, 'agent.ts'), cache)
  const first = c.pid!
  await waitFor(() => !isAlive(first), 'the idle compiler child to exit')
  expect(c.pid).toBeNull()
  await c.compile(join(src, 'agent.ts'), cache)
  expect(c.pid).not.toBe(first)
})

it('a compiler child that dies fails its pending compiles with a clear error; the next compile starts another', async () => {
  const { src, cache } = project()
  const c = compiler()
  await c.compile(join(src, 'agent.ts'), cache)
  const first = c.pid!
  const pending = c.compile(join(src, 'agent.ts'), cache)
  process.kill(first, 'SIGKILL')
  // it may have answered before the signal landed; if not, it says why it failed
  await pending.catch((err: Error) => expect(err.message).toMatch(/the compiler process ended \(SIGKILL\)/))
  await waitFor(() => c.pid === null, 'the dead child noticed')
  await expect(c.compile(join(src, 'agent.ts'), cache)).resolves.toMatch(/\.mjs$/)
  expect(c.pid).not.toBe(first)
})
