import { defineConfig } from 'orch'

export default defineConfig({
  agents: [
    { name: 'agent_1', script: './examples/ping-pong/agent.ts', env: { PEER: 'agent_2' } },
    { name: 'agent_2', script: './examples/ping-pong/agent.ts', env: { PEER: 'agent_1' } },
    // Python, standard library only (examples/python-agent): pings agent_1 every 3 s, answers any ping.
    { name: 'py', type: 'process', command: 'python3', args: ['-u', './examples/python-agent/agent.py'], env: { PEER: 'agent_1' } },
  ],
})
