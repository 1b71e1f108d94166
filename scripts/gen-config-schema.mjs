// Writes schema.json (the JSON Schema of .json and .yaml configs, for editor
// completion) from the built config schema and the built-in agent types.
// Run through `npm run schema:gen`, which builds first; test/core/config/
// config-json-schema.test.ts fails while the committed file is out of date.
import { writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const { configJsonSchemaText } = await import(join(root, 'dist/src/core/config/config-json-schema.js'))
const { BUILTIN_PLUGINS, loadBuiltinPlugin } = await import(join(root, 'dist/src/core/plugins/load.js'))

const plugins = await Promise.all(BUILTIN_PLUGINS.map((name) => loadBuiltinPlugin(name)))
writeFileSync(join(root, 'schema.json'), configJsonSchemaText(plugins.flatMap((p) => p.agentTypes ?? [])))
console.log('wrote schema.json')
