import { readdirSync, readFileSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Ajv } from 'ajv'
import { beforeAll, describe, expect, it } from 'vitest'
import externalPlugin from '../../../plugins/external/index.js'
import nodePlugin from '../../../plugins/node/index.js'
import processPlugin from '../../../plugins/process/index.js'
import { configJsonSchemaText } from '../../../src/core/config/config-json-schema.js'
import { CONFIG_NAMES, loadConfigFile as loadInto } from '../../../src/core/config/load.js'
import { validateConfig } from '../../../src/core/config/validate.js'
import { PluginRegistry } from '../../../src/core/plugins/registry.js'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..')
const builtins = [nodePlugin, processPlugin, externalPlugin]
const committed = readFileSync(join(root, 'schema.json'), 'utf8')

/** Every config a user may copy: the repository's own and those under examples/, in every format. */
function exampleConfigs(): string[] {
  const found = [join(root, 'ecosystem.config.ts')]
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name)
      if (statSync(path).isDirectory()) walk(path)
      else if (CONFIG_NAMES.includes(name)) found.push(path)
    }
  }
  walk(join(root, 'examples'))
  return found
}

let check: ReturnType<Ajv['compile']>
let registry: PluginRegistry
beforeAll(() => {
  // strict: a keyword the generator misspelt is an error, not a silently ignored key
  check = new Ajv({ strict: true, strictTypes: false, strictRequired: false, allErrors: true }).compile(JSON.parse(committed) as object)
  registry = new PluginRegistry()
  for (const p of builtins) registry.add(p)
})

const errorsOf = (value: unknown) => (check(value) ? [] : (check.errors ?? []).map((e) => `${e.instancePath} ${e.message}`))

describe('schema.json', () => {
  it('is generated from the config schema and the built-in agent types', () => {
    const fresh = configJsonSchemaText(builtins.flatMap((p) => p.agentTypes ?? []))
    expect(committed === fresh, 'schema.json is out of date: run `npm run schema:gen` and commit schema.json').toBe(true)
  })

  it('is shipped in the package and named from the README', () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { files: string[]; scripts: Record<string, string> }
    expect(pkg.files).toContain('schema.json')
    expect(pkg.scripts['schema:gen']).toContain('scripts/gen-config-schema.mjs')
    expect(readFileSync(join(root, 'README.md'), 'utf8')).toContain('node_modules/orch/schema.json')
  })

  const examples = exampleConfigs()
  it('finds example configs in JSON and YAML, which name it', () => {
    const data = examples.filter((f) => /\.(json|ya?ml)$/.test(f))
    expect(data.map((f) => f.split('.').pop()).sort()).toEqual(expect.arrayContaining(['json', 'yaml']))
    for (const f of data) expect(readFileSync(f, 'utf8'), relative(root, f)).toMatch(/\$schema["']?\s*[:=]\s*["']?(\.\.\/)+schema\.json/)
  })

  it.each(examples.map((f) => [relative(root, f), f]))('validates the example %s, which orch takes too', async (_, file) => {
    const loaded = await loadInto(file, root, join(tmpdir(), `orch-schema-cache-${process.pid}`))
    expect(errorsOf(loaded.raw)).toEqual([])
    expect(() => validateConfig(loaded.raw, loaded.file, loaded.dir, registry)).not.toThrow()
  })

  const script = join(root, 'examples/team/worker.js')
  it.each<[string, unknown, RegExp]>([
    ['an unknown top-level field', { agents: [], agent: [] }, /must NOT have additional properties/],
    ['no agents', { plugins: [] }, /must have required property 'agents'/],
    ['an agent without a name', { agents: [{ script }] }, /must have required property 'name'/],
    ['an agent with nothing to run', { agents: [{ name: 'a' }] }, /must have required property 'type'/],
    ['a bad name', { agents: [{ name: 'a b', script }] }, /\/agents\/0\/name must match pattern/],
    ['a duration that is not one', { agents: [{ name: 'a', script, killTimeout: 'soon' }] }, /\/agents\/0\/killTimeout/],
    ['instances 0', { agents: [{ name: 'a', script, instances: 0 }] }, /\/agents\/0\/instances must be >= 1/],
    ['a typo in a node agent', { agents: [{ name: 'a', script, scirpt: script }] }, /\/agents\/0 must NOT have additional properties/],
    ["another type's option", { agents: [{ name: 'p', command: 'python3', nodeArgs: ['--inspect'] }] }, /\/agents\/0 must NOT have additional properties/],
    ['an unknown queue setting', { agents: [], queue: { durability: 'always' } }, /\/queue\/durability/],
  ])('rejects %s, as orch does', (_, config, error) => {
    expect(errorsOf(config).join('\n')).toMatch(error)
    expect(() => validateConfig(config, 'bad.json', root, registry)).toThrow(/invalid config bad\.json/)
  })

  it("lets an agent of a plugin's type have its own options, and offers every built-in option with its type", () => {
    expect(errorsOf({ agents: [{ name: 'e', type: 'echo', words: 'hi' }] })).toEqual([])
    const agent = (JSON.parse(committed) as { properties: { agents: { items: { properties: Record<string, { description: string; examples?: string[] }> } } } })
      .properties.agents.items.properties
    expect(agent.nodeArgs!.description).toMatch(/an option of type 'node'/)
    expect(agent.type!.examples).toEqual(['node', 'process', 'external'])
  })
})
