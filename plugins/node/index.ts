import { existsSync } from 'node:fs'
import { resolve } from 'node:path'
import * as v from 'valibot'
import { defineAgentType, definePlugin } from '../../src/core/plugins/types.js'
import { strings } from '../../src/core/schema/fields.js'
import { about } from '../../src/core/schema/object-of.js'

const TS_EXTENSIONS = /\.(ts|mts|cts|tsx)$/

/** jiti's ESM hook runs TypeScript agents on Node 20, which cannot strip types itself. */
function tsLoaderArgs(script: string): string[] {
  if (!TS_EXTENSIONS.test(script)) return []
  return ['--import', import.meta.resolve('jiti/register')]
}

const nodeType = defineAgentType({
  name: 'node',
  description: 'a .js or .ts script run by the Node.js that runs orch',
  options: {
    nodeArgs: v.optional(about(strings(), "Node.js options before the script, e.g. ['--inspect']")),
  },
  check(def, { configDir }) {
    if (typeof def.script !== 'string') return [{ field: 'script', value: undefined, allowed: 'required: the path of a .js or .ts script' }]
    const cwd = typeof def.cwd === 'string' ? resolve(configDir, def.cwd) : configDir
    const file = resolve(cwd, def.script)
    return existsSync(file) ? [] : [{ field: 'script', value: def.script, allowed: `an existing file (${file} does not exist)` }]
  },
  toSpawnSpec(agent) {
    const script = resolve(agent.cwd, agent.raw.script as string)
    const nodeArgs = agent.raw.nodeArgs ?? []
    return { command: process.execPath, args: [...nodeArgs, ...tsLoaderArgs(script), script, ...agent.args] }
  },
})

export default definePlugin({ name: 'orch-node', agentTypes: [nodeType] })
