import { definePlugin, type AgentType } from '../../src/core/plugins/types.js'

const NOT_SPAWNED = ['script', 'command', 'args', 'nodeArgs']

/**
 * A process orch does not start: it runs elsewhere (a shell, a container on
 * this machine, a debugger) and joins the team by saying hello as this
 * agent's name, without a token. It shows in `orch ls` while connected.
 */
const externalType: AgentType = {
  name: 'external',
  description: 'a process started outside orch that joins by connecting to the socket (no token needed)',
  check(def) {
    return NOT_SPAWNED.filter((f) => def[f] !== undefined).map((field) => ({
      field,
      value: def[field],
      allowed: "not set: orch does not start an 'external' agent (remove it, or use type 'node' or 'process')",
    }))
  },
  toSpawnSpec() {
    return { command: '', args: [] }
  },
}

export default definePlugin({ name: 'orch-external', agentTypes: [externalType] })
