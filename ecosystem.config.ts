import { defineConfig } from 'orch'

export default defineConfig({
  agents: [
    { name: 'agent_1', script: './examples/ping-pong/agent.ts', env: { PEER: 'agent_2' } },
    { name: 'agent_2', script: './examples/ping-pong/agent.ts', env: { PEER: 'agent_1' } },
  ],
})
