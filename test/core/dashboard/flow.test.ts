import { describe, expect, it } from 'vitest'
import { agentOf, FLOW_WINDOW_MS, FlowCounter } from '../../../src/core/dashboard/flow.js'

describe('FlowCounter', () => {
  it('counts by sender and recipient agent (instances and CLI reply addresses folded), over the window only', () => {
    let now = 10 * 60_000 + 30_000
    const flow = new FlowCounter(() => now)
    flow.add('worker:0', 'coordinator')
    flow.add('worker:3', 'coordinator')
    flow.add('coordinator', 'cli.4242-1')
    flow.add('cli', 'coordinator', now - FLOW_WINDOW_MS - 1) // too old: not counted
    expect(flow.edges()).toEqual([
      { from: 'coordinator', to: 'cli', count: 1, perMinute: 0.7 },
      { from: 'worker', to: 'coordinator', count: 2, perMinute: 1.3 },
    ])
    now += FLOW_WINDOW_MS + 60_000
    expect(flow.edges()).toEqual([])
  })

  it('agentOf keeps names and topics', () => {
    expect(agentOf('py')).toBe('py')
    expect(agentOf('worker:12')).toBe('worker')
    expect(agentOf('topic:news')).toBe('topic:news')
    expect(agentOf('cli.1-2')).toBe('cli')
  })
})
