import { existsSync } from 'node:fs'
import { join, resolve } from 'node:path'
import * as v from 'valibot'
import { defineAgentType, definePlugin } from '../../src/core/plugins/types.js'
import { strings } from '../../src/core/schema/fields.js'
import { about } from '../../src/core/schema/object-of.js'
import { compileOutside } from '../../src/core/compile/compile-outside.js'
import { TS_EXTENSIONS } from '../../src/core/compile/ts-extensions.js'

/** Compiled TypeScript agents, named by the sha256 of their JavaScript. */
export const TS_CACHE_DIR = join('cache', 'ts')

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
    return { command: process.execPath, args: [...nodeArgs, script, ...agent.args] }
  },
  // Node 20 cannot run TypeScript: each spawn compiles it (esbuild, in a
  // compiler child process, off the daemon) and runs the JavaScript, as lean as a .js agent.
  async prepareSpawn(spec, { agent, home }) {
    const script = resolve(agent.cwd, agent.raw.script as string)
    if (!TS_EXTENSIONS.test(script)) return spec
    const compiled = await compileOutside(script, join(home, TS_CACHE_DIR))
    const nodeArgs = agent.raw.nodeArgs ?? []
    return { ...spec, args: ['--enable-source-maps', ...nodeArgs, compiled, ...agent.args] }
  },
})

export default definePlugin({ name: 'orch-node', agentTypes: [nodeType] })
