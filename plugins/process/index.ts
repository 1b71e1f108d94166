import { definePlugin, type AgentType } from '../../src/core/plugins/types.js'

const processType: AgentType = {
  name: 'process',
  description: 'any program: `command` with `args` (python3, a shell script, a binary)',
  check(def) {
    return typeof def.command === 'string'
      ? []
      : [{ field: 'command', value: undefined, allowed: "required: the program to run, e.g. 'python3'" }]
  },
  toSpawnSpec(agent) {
    return { command: agent.raw.command as string, args: agent.args }
  },
}

export default definePlugin({ name: 'orch-process', agentTypes: [processType] })
