import { describe, expect, it } from 'vitest'
import { parseKeys } from '../../../src/cli/monit/keys.js'
import { renderFrame } from '../../../src/cli/monit/render-frame.js'
import { sparkline } from '../../../src/cli/monit/sparkline.js'

describe('monit keys', () => {
  it('reads arrows, vi keys, r, s, q and Ctrl-C, several in one chunk, skipping other sequences', () => {
    expect(parseKeys('\u001b[A\u001b[Bjk')).toEqual(['up', 'down', 'down', 'up'])
    expect(parseKeys('rsq')).toEqual(['restart', 'toggle', 'quit'])
    expect(parseKeys('\u0003')).toEqual(['quit'])
    expect(parseKeys('\u001b[C\u001b[15~x')).toEqual([])
    expect(parseKeys('\u001bOA')).toEqual(['up'])
  })
})

describe('sparkline', () => {
  it('scales against a ceiling, or from min to max, padded on the left', () => {
    expect(sparkline([0, 50, 100], 5, 100)).toBe('  ▁▅█')
    expect(sparkline([10, 20], 2)).toBe('▁█')
    expect(sparkline([7, 7, 7], 3)).toBe('▄▄▄')
    expect(sparkline([1, 2, 3, 4], 2, 100)).toHaveLength(2)
  })
})

describe('renderFrame', () => {
  const agents = ['coordinator', 'worker:0', 'worker:1'].map((id, i) => ({
    id,
    name: id.split(':')[0]!,
    instance: 0,
    status: (i === 2 ? 'backoff' : 'online') as 'online',
    pid: 1,
    uptime: 65_000,
    restarts: i,
    cpu: 3.5 * i,
    memory: 50e6,
    inbox: i,
    inFlight: 1,
    history: { cpu: [1, 5, 3], memory: [1, 2, 3] },
  }))
  const snapshot = {
    at: 0,
    endpoint: null,
    daemon: { pid: 1, uptime: 1, cpu: 1.2, cpuSeconds: 1, memory: 61e6, heapUsed: 1, eventLoopLag: { mean: 0, p99: 0, max: 0 } },
    queue: { pending: 3, inFlight: 3, dead: 0 },
    agents,
    recipients: [],
  }
  const frame = (columns: number, rows = 12) =>
    renderFrame({ snapshot, selected: 1, rates: { sent: 2.5, handled: 2, byAgent: new Map([['worker', 2]]) }, logTitle: 'worker:0 logs', logLines: ['hello', 'err│ \u001b[2Jx'], notice: '', colour: false, columns, rows })

  it('fits the terminal: never wider than its columns nor taller than its rows; sparklines go first on a narrow one', () => {
    for (const columns of [40, 60, 80, 120, 200]) {
      const lines = frame(columns)
      expect(lines).toHaveLength(12)
      for (const l of lines) expect(l.length).toBeLessThanOrEqual(columns)
    }
    expect(frame(80).find((l) => l.startsWith('› worker:0'))).toMatch(/^› worker:0 +online +1 +3\.5% ▁\S+ +48M \S+ +1 +1 +2\.0 +1m$/)
    expect(frame(74).find((l) => l.startsWith('› worker:0'))).toMatch(/^› worker:0 +online +1 +3\.5% +48M +1 +1 +2\.0 +1m$/)
  })

  it("shows the selected instance's log lines, escaped, and keeps the key help at the bottom", () => {
    const lines = frame(80, 10)
    expect(lines).toContain('hello')
    expect(lines).toContain('err│ \\x1b[2Jx')
    expect(lines.at(-1)).toBe('↑↓/jk select · r restart · s stop/start · q quit')
  })
})
