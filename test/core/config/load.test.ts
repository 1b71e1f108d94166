import { mkdir, mkdtemp, realpath, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { CONFIG_NAMES, loadConfigFile as loadInto } from '../../../src/core/config/load.js'
import { ConfigError } from '../../../src/core/errors/config-error.js'
import { ConfigNotFoundError } from '../../../src/core/errors/config-not-found-error.js'

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..')

const expected = { agents: [{ name: 'worker', script: './worker.js', env: { PEER: 'other' } }] }

const sources: Record<string, string> = {
  'ecosystem.config.ts': `import { defineConfig } from 'orch'
const peer: string = 'other'
export default defineConfig({ agents: [{ name: 'worker', script: './worker.js', env: { PEER: peer } }] })
`,
  'ecosystem.config.js': `export default { agents: [{ name: 'worker', script: './worker.js', env: { PEER: 'other' } }] }\n`,
  'ecosystem.config.mjs': `const peer = 'other'\nexport default { agents: [{ name: 'worker', script: './worker.js', env: { PEER: peer } }] }\n`,
  'ecosystem.config.cjs': `module.exports = { agents: [{ name: 'worker', script: './worker.js', env: { PEER: 'other' } }] }\n`,
  'ecosystem.config.json': `${JSON.stringify(expected, null, 2)}\n`,
  'ecosystem.config.yaml': `agents:\n  - name: worker\n    script: ./worker.js\n    env:\n      PEER: other\n`,
  'ecosystem.config.yml': `agents:\n  - name: worker\n    script: ./worker.js\n    env: { PEER: other }\n`,
}

let dir: string
/** as the loader child does: compiled JS/TS configs go to a folder of ORCH_HOME, here one of the test's */
const loadConfigFile = (path: string | undefined, cwd: string) => loadInto(path, cwd, join(dir, '.orch-cache'))

beforeEach(async () => {
  // realpath: on some systems tmpdir() is a symlink, and the loader reports real paths.
  dir = await realpath(await mkdtemp(join(tmpdir(), 'orch-config-')))
  // A user project has orch installed; a temp dir is outside this package, where its self-reference does not reach.
  await mkdir(join(dir, 'node_modules'))
  await symlink(repoRoot, join(dir, 'node_modules', 'orch'), 'dir')
})

afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

async function write(name: string, text: string): Promise<string> {
  const path = join(dir, name)
  await mkdir(dirname(path), { recursive: true })
  await writeFile(path, text)
  return path
}

async function loadError(path: string | undefined, cwd = dir): Promise<Error & { code?: string }> {
  const err = await loadConfigFile(path, cwd).then(
    () => undefined,
    (e: unknown) => e as Error,
  )
  expect(err, 'loadConfigFile should have rejected').toBeInstanceOf(Error)
  return err!
}

describe('loadConfigFile', () => {
  it.each(Object.keys(sources))('loads %s by path', async (name) => {
    const path = await write(name, sources[name]!)
    const loaded = await loadConfigFile(path, '/')
    expect(loaded).toEqual({ file: path, dir, raw: expected })
  })

  it('gives a .ts config the real defineConfig from the orch package', async () => {
    await write(
      'ecosystem.config.ts',
      `import { defineConfig } from 'orch'
const c = { agents: [] }
export default { same: defineConfig(c) === c, kind: typeof defineConfig }
`,
    )
    expect((await loadConfigFile('ecosystem.config.ts', dir)).raw).toEqual({ same: true, kind: 'function' })
  })

  it('resolves a relative path against cwd', async () => {
    const path = await write('conf/team.config.json', JSON.stringify(expected))
    expect(await loadConfigFile('conf/team.config.json', dir)).toEqual({ file: path, dir: join(dir, 'conf'), raw: expected })
  })

  it('finds ecosystem.config.ts when searching from cwd', async () => {
    const path = await write('ecosystem.config.ts', sources['ecosystem.config.ts']!)
    expect(await loadConfigFile(undefined, dir)).toEqual({ file: path, dir, raw: expected })
  })

  it('searches upwards from a subdirectory', async () => {
    const path = await write('ecosystem.config.ts', sources['ecosystem.config.ts']!)
    await mkdir(join(dir, 'src', 'deep'), { recursive: true })
    const loaded = await loadConfigFile(undefined, join(dir, 'src', 'deep'))
    expect(loaded.file).toBe(path)
    expect(loaded.dir).toBe(dir)
  })

  it('prefers the nearest config, and .ts over the other formats', async () => {
    await write('ecosystem.config.json', JSON.stringify({ agents: [{ name: 'json', command: 'true' }] }))
    await write('ecosystem.config.ts', `export default { agents: [{ name: 'ts', command: 'true' }] }\n`)
    expect(CONFIG_NAMES[0]).toBe('ecosystem.config.ts')
    expect((await loadConfigFile(undefined, dir)).raw).toEqual({ agents: [{ name: 'ts', command: 'true' }] })
    const nested = await write('pkg/ecosystem.config.yaml', 'agents: []\n')
    expect((await loadConfigFile(undefined, join(dir, 'pkg'))).file).toBe(nested)
  })

  it('gives ConfigNotFoundError for a path that does not exist, naming it', async () => {
    const err = await loadError('nope.config.ts')
    expect(err).toBeInstanceOf(ConfigNotFoundError)
    expect(err.code).toBe('E_CONFIG_NOT_FOUND')
    expect(err.message).toContain(join(dir, 'nope.config.ts'))
  })

  it('gives ConfigNotFoundError when no config is found, saying how to make one', async () => {
    const err = await loadError(undefined)
    expect(err).toBeInstanceOf(ConfigNotFoundError)
    expect(err.code).toBe('E_CONFIG_NOT_FOUND')
    expect(err.message).toContain(dir)
    expect(err.message).toContain('ecosystem.config.ts')
  })

  describe('a config that cannot be loaded', () => {
    it.each<[string, string]>([
      ['ecosystem.config.ts', `export default { agents: [ {name: 'a' ]`],
      ['ecosystem.config.mjs', `export default {{`],
      ['ecosystem.config.cjs', `module.exports = ;`],
      ['ecosystem.config.json', `{ "agents": [ }`],
      ['ecosystem.config.yaml', `agents:\n  - name: a\n   bad: [`],
    ])('%s with a syntax error gives a ConfigError naming the file', async (name, text) => {
      const path = await write(name, text)
      const err = await loadError(path)
      expect(err).toBeInstanceOf(ConfigError)
      expect(err.code).toBe('E_CONFIG_INVALID')
      expect(err.message).toContain(path)
      // A short excerpt of the cause, not a stack dump.
      expect(err.message.split('\n').length).toBeLessThanOrEqual(4)
    })

    it('names the file when the broken config was found by searching', async () => {
      const path = await write('ecosystem.config.ts', `export default { agents: [ {name: 'a' ]`)
      const err = await loadError(undefined)
      expect(err).toBeInstanceOf(ConfigError)
      expect(err.message).toContain(path)
    })

    it('gives a ConfigError when the config throws while loading', async () => {
      const path = await write('ecosystem.config.ts', `throw new Error('no PEER set')\nexport default {}\n`)
      const err = await loadError(path)
      expect(err).toBeInstanceOf(ConfigError)
      expect(err.message).toContain(path)
      expect(err.message).toContain('no PEER set')
    })

    it('gives a ConfigError when the config imports a module that does not exist', async () => {
      const path = await write('ecosystem.config.ts', `import x from './missing.js'\nexport default x\n`)
      const err = await loadError(path)
      expect(err).toBeInstanceOf(ConfigError)
      expect(err.message).toContain(path)
    })

    it('gives a ConfigError for an empty file', async () => {
      const path = await write('ecosystem.config.yaml', '')
      const err = await loadError(path)
      expect(err).toBeInstanceOf(ConfigError)
      expect(err.message).toMatch(/empty/)
    })
  })

  describe('without a module cache', () => {
    it('sees an edited .ts config on the next load', async () => {
      const path = await write('ecosystem.config.ts', `export default { agents: [{ name: 'one', command: 'true' }] }\n`)
      expect((await loadConfigFile(path, dir)).raw).toEqual({ agents: [{ name: 'one', command: 'true' }] })
      await write('ecosystem.config.ts', `export default { agents: [{ name: 'two', command: 'true' }] }\n`)
      expect((await loadConfigFile(path, dir)).raw).toEqual({ agents: [{ name: 'two', command: 'true' }] })
      await write('ecosystem.config.ts', `export default { agents: [ broken`)
      expect(await loadError(path)).toBeInstanceOf(ConfigError)
      await write('ecosystem.config.ts', `export default { agents: [{ name: 'three', command: 'true' }] }\n`)
      expect((await loadConfigFile(undefined, dir)).raw).toEqual({ agents: [{ name: 'three', command: 'true' }] })
    })

    it('sees an edited module that the .ts config imports', async () => {
      const path = await write('ecosystem.config.ts', `import { agents } from './agents.ts'\nexport default { agents }\n`)
      await write('agents.ts', `export const agents = [{ name: 'one', command: 'true' }]\n`)
      expect((await loadConfigFile(path, dir)).raw).toEqual({ agents: [{ name: 'one', command: 'true' }] })
      await write('agents.ts', `export const agents = [{ name: 'two', command: 'true' }]\n`)
      expect((await loadConfigFile(path, dir)).raw).toEqual({ agents: [{ name: 'two', command: 'true' }] })
    })

    it('sees an edited .js config in a "type": "module" project', async () => {
      await write('package.json', JSON.stringify({ name: 'my-agents', type: 'module' }))
      const path = await write('ecosystem.config.js', sources['ecosystem.config.js']!)
      expect((await loadConfigFile(path, dir)).raw).toEqual(expected)
      await write('ecosystem.config.js', sources['ecosystem.config.js']!.replaceAll('worker', 'edited'))
      const again = (await loadConfigFile(path, dir)).raw as typeof expected
      expect(again.agents[0]!.name).toBe('edited')
    })

    it.each(['ecosystem.config.js', 'ecosystem.config.mjs', 'ecosystem.config.cjs', 'ecosystem.config.json', 'ecosystem.config.yaml'])('sees an edited %s on the next load', async (name) => {
      const path = await write(name, sources[name]!)
      expect((await loadConfigFile(path, dir)).raw).toEqual(expected)
      await write(name, sources[name]!.replaceAll('worker', 'edited'))
      const again = (await loadConfigFile(path, dir)).raw as typeof expected
      expect(again.agents[0]!.name).toBe('edited')
    })
  })
})
