import { describe, expect, it } from 'vitest'
import { colourEnabled, paint, statusColour, terminalColumns } from '../../src/cli/colour.js'
import { formatBytes, table } from '../../src/cli/format.js'
import { renderAgents } from '../../src/cli/render-agents.js'
import type { AgentInfo } from '../../src/core/protocol/types.js'

const ESC = '\u001b['

describe('sizes: binary units, one decimal, everywhere', () => {
  it.each<[number, string]>([
    [0, '0 B'],
    [512, '512 B'],
    [1024, '1.0 KiB'],
    [16 * 1024, '16.0 KiB'],
    [40.7 * 1024 ** 2, '40.7 MiB'],
    [1024 ** 2 - 1, '1.0 MiB'],
    [3.25 * 1024 ** 3, '3.3 GiB'],
  ])('%d bytes → %s', (n, shown) => expect(formatBytes(n)).toBe(shown))
})

describe('colour', () => {
  it('on a terminal only; NO_COLOR and TERM=dumb turn it off; FORCE_COLOR forces it either way', () => {
    const tty = { isTTY: true }
    const pipe = { isTTY: false }
    expect(colourEnabled(tty, {})).toBe(true)
    expect(colourEnabled(pipe, {})).toBe(false)
    expect(colourEnabled(tty, { NO_COLOR: '1' })).toBe(false)
    expect(colourEnabled(tty, { NO_COLOR: '' })).toBe(true)
    expect(colourEnabled(tty, { TERM: 'dumb' })).toBe(false)
    expect(colourEnabled(pipe, { FORCE_COLOR: '1' })).toBe(true)
    expect(colourEnabled(pipe, { FORCE_COLOR: '1', NO_COLOR: '1' })).toBe(true)
    expect(colourEnabled(tty, { FORCE_COLOR: '0' })).toBe(false)
  })

  it('statuses as pm2: online green, errored red, stopped grey, on the way yellow', () => {
    expect(['online', 'errored', 'stopped', 'starting', 'stopping', 'backoff'].map(statusColour)).toEqual(['green', 'red', 'grey', 'yellow', 'yellow', 'yellow'])
    expect(paint('online', 'green', true)).toBe(`${ESC}32monline${ESC}0m`)
    expect(paint('online', 'green', false)).toBe('online')
  })

  it("the terminal's width only for a terminal", () => {
    expect(terminalColumns({ isTTY: true, columns: 100 })).toBe(100)
    expect(terminalColumns({ isTTY: false, columns: 100 })).toBeUndefined()
  })
})

const agent = (id: string, status: AgentInfo['status']): AgentInfo =>
  ({ id, name: id, instance: 0, type: 'node', status, pid: 4242, uptime: 5000, restarts: 0, cpu: 1, memory: 40.7 * 1024 ** 2, inbox: 0, inFlight: 0 }) as AgentInfo

describe('orch ls table', () => {
  const agents = [agent(`a_${'very_'.repeat(20)}long_name`, 'online'), agent('b', 'errored'), agent('c', 'stopped')]

  it('whole names and no colour by default (a pipe)', () => {
    const out = renderAgents(agents)
    expect(out).not.toContain(ESC)
    expect(out).toContain(agents[0]!.id)
    expect(out).toContain('40.7 MiB')
  })

  it("cuts long names with '…' to fit the width, aligned", () => {
    const lines = renderAgents(agents, { width: 80 }).split('\n')
    for (const l of lines) expect(l.length).toBeLessThanOrEqual(80)
    expect(lines[1]).toMatch(/^a_very_very\S*… +node +online/)
    expect(new Set(lines.map((l) => l.indexOf('node') === -1 ? l.indexOf('type') : l.indexOf('node'))).size).toBe(1)
  })

  it('colours the status column without breaking the alignment', () => {
    const lines = renderAgents(agents, { colour: true }).split('\n')
    expect(lines[1]).toContain(`${ESC}32monline${ESC}0m`)
    expect(lines[2]).toContain(`${ESC}31merrored${ESC}0m`)
    expect(lines[3]).toContain(`${ESC}90mstopped${ESC}0m`)
    const plain = lines.map((l) => l.replaceAll(/\u001b\[\d+m/g, ''))
    expect(plain).toEqual(renderAgents(agents).split('\n'))
  })

  it('shows inbox and in flight side by side, last', () => {
    const rows = [{ ...agents[1]!, inbox: 7, inFlight: 3 }]
    const lines = renderAgents(rows).split('\n')
    expect(lines[0]).toMatch(/\brestarts +cpu +memory +inbox +in flight$/)
    expect(lines[1]).toMatch(/\b7 +3$/)
  })

  it("heads 'restarts' as '↺' before cutting names, only when a line does not fit", () => {
    expect(renderAgents(agents, { width: 400 }).split('\n')[0]).toContain('restarts')
    const lines = renderAgents(agents, { width: 80 }).split('\n')
    expect(lines[0]).toMatch(/uptime +↺ +cpu/)
    expect(lines[0]).not.toContain('restarts')
    // a realistic worst case still fits 80 columns: a 7-digit pid, a busy cpu, a big memory, a status on the way
    const busy = { ...agents[0]!, status: 'stopping' as const, pid: 4_194_303, cpu: 100.5, memory: 1023.9 * 1024 ** 2, inbox: 12_345, inFlight: 64 }
    for (const l of renderAgents([busy], { width: 80 }).split('\n')) expect(l.length).toBeLessThanOrEqual(80)
  })

  it('a table never cuts a column below a few characters', () => {
    expect(table(['name', 'x'], [['abcdefghijkl', '1']], { width: 5, shrink: [0] }).split('\n')[1]).toBe('abcde…  1')
  })
})
