import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/**
 * A tiny TypeScript agent project in a fresh temp dir (src/agent.ts importing
 * src/lib/n.ts with a `.js` specifier) and where its compile cache goes. The
 * root is pushed onto `dirs` for the caller's clean-up.
 */
export function tsProject(dirs: string[], prefix: string): { src: string; cache: string } {
  const root = mkdtempSync(join(tmpdir(), prefix))
  dirs.push(root)
  mkdirSync(join(root, 'src', 'lib'), { recursive: true })
  writeFileSync(join(root, 'src', 'agent.ts'), "import { n } from './lib/n.js'\nconst x: number = n\nconsole.log(x)\n")
  writeFileSync(join(root, 'src', 'lib', 'n.ts'), 'export const n: number = 1\n')
  return { src: join(root, 'src'), cache: join(root, 'cache') }
}
