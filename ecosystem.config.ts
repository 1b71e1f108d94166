import { defineConfig } from 'orch'

export default defineConfig({
  agents: [
    { name: 'agent_1', script: './examples/ping-pong/agent.ts', env: { PEER: 'agent_2' } },
    { name: 'agent_2', script: './examples/ping-pong/agent.ts', env: { PEER: 'agent_1' } },
    // Python, standard library only (examples/python-agent): pings agent_1 every 3 s, answers any ping.
    { name: 'py', type: 'process', command: 'python3', args: ['-u', './examples/python-agent/agent.py'], env: { PEER: 'agent_1' } },
    // examples/team: `orch request coordinator job '{"dir":"src"}'` counts words with a pool of 4 workers, one task at a time each.
    { name: 'coordinator', script: './examples/team/coordinator.js' },
    { name: 'worker', script: './examples/team/worker.js', instances: 4, concurrency: 1, env: { TASK_MS: '500' } },
  ],
})
