// The package as a user gets it: `npm pack`, then installed globally into a
// temporary prefix and, apart, into a project as a dev dependency. In both, the
// installed CLI starts a .ts config that imports `orch` and a .ts agent that
// imports `orch/agent` (next to the global CLI, with no orch in the project:
// both resolve to the CLI's own package), and the public types check without
// @types/node. npm may download the dependencies the cache lacks, so this runs
// only with ORCH_TEST_PACKAGE=1 (.ci/run sets it).
import { execFile } from 'node:child_process'
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AgentInfo } from '../../src/core/protocol/types.js'
import { fixture, ROOT, useHomes, waitFor, type TestHome } from '../helpers/orch.js'

const run = promisify(execFile)
const INSTALL_TIMEOUT_MS = 180_000
const home = useHomes()

/** The environment without what `npm test` sets for its scripts (npm_config_*), which would steer the nested npm. */
function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.toLowerCase().startsWith('npm_')))
  return { ...env, ...extra }
}

const npm = (args: string[], cwd: string) =>
  run('npm', [...args, '--prefer-offline', '--no-audit', '--no-fund'], { cwd, env: cleanEnv(), timeout: INSTALL_TIMEOUT_MS })

/** A user's project: the fixture agent and a .ts config importing `orch`. */
function project(dir: string): void {
  cpSync(fixture('ts-agent'), dir, { recursive: true })
  writeFileSync(join(dir, 'ecosystem.config.ts'), [
    "import { defineConfig } from 'orch'",
    '',
    "export default defineConfig({ agents: [{ name: 'ts', script: './agent.ts', readyTimeout: '20s' }] })",
    '',
  ].join('\n'))
}

/** `orch start` (no argument: the config is found from the project) by the installed CLI, then a round trip through the agent. */
async function startAndGreet(cli: string, dir: string, t: TestHome): Promise<void> {
  const orch = (...args: string[]) => run(cli, args, { cwd: dir, env: cleanEnv({ ORCH_HOME: t.home }), timeout: 30_000 })
  await orch('start', '--json')
  await waitFor(async () => (JSON.parse((await orch('ls', '--json')).stdout) as AgentInfo[]).some((a) => a.name === 'ts' && a.status === 'online'), 'the .ts agent online')
  const reply = JSON.parse((await orch('request', 'ts', 'greet', '"Ada"', '--json')).stdout) as { payload: { text: string } }
  expect(reply.payload.text).toBe('hello, Ada')
}

/** The SDK the compiled agent imports (an absolute path: see src/core/compile/compile-ts.ts). */
function importedSdk(t: TestHome): string {
  const dir = join(t.home, 'cache', 'ts')
  const code = readFileSync(join(dir, readdirSync(dir).find((f) => f.endsWith('.mjs'))!), 'utf8')
  return /from "([^"]*\/dist\/src\/agent\/index\.js)"/.exec(code)![1]!
}

describe.skipIf(!process.env.ORCH_TEST_PACKAGE)('the npm package', () => {
  let work: string
  let tgz: string

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'orch-pkg-'))
    // dist/ is in the tarball (prepare does not run for a tarball install): pack what `npm run build` made
    const { stdout } = await run('npm', ['pack', '--ignore-scripts', '--pack-destination', work], { cwd: ROOT, env: cleanEnv() })
    tgz = join(work, stdout.trim().split('\n').pop()!)
  }, INSTALL_TIMEOUT_MS)
  afterAll(() => rmSync(work, { recursive: true, force: true }))

  it('installs globally; a .ts config and agent next to it import orch from the CLI', async () => {
    const t = home()
    const prefix = join(work, 'global')
    await npm(['install', '--global', '--prefix', prefix, tgz], work)
    const dir = join(work, 'loose')
    project(dir)
    await startAndGreet(join(prefix, 'bin', 'orch'), dir, t)
    expect(importedSdk(t)).toBe(join(prefix, 'lib', 'node_modules', 'orch', 'dist', 'src', 'agent', 'index.js'))
  }, INSTALL_TIMEOUT_MS)

  it('installs into a project with npm i -D; its types check without @types/node', async () => {
    const t = home()
    const dir = join(work, 'project')
    project(dir)
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'user-project', private: true, type: 'module' }))
    await npm(['install', '--save-dev', tgz], dir)
    expect(readdirSync(join(dir, 'node_modules'))).not.toContain('@types')
    await startAndGreet(join(dir, 'node_modules', '.bin', 'orch'), dir, t)
    expect(importedSdk(t)).toBe(join(dir, 'node_modules', 'orch', 'dist', 'src', 'agent', 'index.js'))

    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({
      compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, noEmit: true, skipLibCheck: false, types: [] },
      files: ['types.ts'],
    }))
    writeFileSync(join(dir, 'types.ts'), [
      "import { defineConfig, definePlugin, type AgentInfo, type OrchConfig } from 'orch'",
      "import { connect, type AgentMessage } from 'orch/agent'",
      "export const config: OrchConfig = defineConfig({ agents: [{ name: 'a', script: './a.ts', killSignal: 'SIGINT' }] })",
      "export const plugin = definePlugin({ name: 'p' })",
      'export type Row = AgentInfo',
      'export async function run(): Promise<void> {',
      '  const agent = await connect()',
      "  agent.onMessage('x', async (m: AgentMessage) => { await agent.reply(m, m.payload) })",
      '}',
      '',
    ].join('\n'))
    const tsc = await run(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', dir], { env: cleanEnv() }).catch((e: { stdout: string }) => e)
    expect(tsc.stdout).toBe('')
  }, INSTALL_TIMEOUT_MS)
})
