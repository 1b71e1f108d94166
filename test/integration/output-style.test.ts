import { execFileSync, spawnSync } from 'node:child_process'
import { describe, expect, it } from 'vitest'
import type { AgentInfo } from '../../src/core/protocol/types.js'
import { BIN, runBin } from '../helpers/bin.js'
import { fixture, orchJson, useHomes, waitFor, writeConfig, type TestHome } from '../helpers/orch.js'

const home = useHomes()
const ESC = '\u001b['
const LONG = `agent_${'with_a_long_name_'.repeat(3)}end` // 60 characters; names are at most 64

const hasScript = ((): boolean => {
  try {
    execFileSync('script', ['--version'], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
})()

async function team(): Promise<TestHome> {
  const t = home()
  await orchJson(['start', writeConfig(t, [
    { name: LONG, script: fixture('tick.js'), env: { TICK_MS: '1000000' } },
    { name: 'dies', script: fixture('crash.js'), maxRestarts: 0 },
  ])])
  await waitFor(async () => {
    const agents = await orchJson<AgentInfo[]>(['ls'])
    return agents.find((a) => a.name === LONG)?.status === 'online' && agents.find((a) => a.name === 'dies')?.status === 'errored'
  }, 'one online, one errored')
  return t
}

describe('human output on a terminal and in a pipe', () => {
  it('a pipe gets no colour and whole names; FORCE_COLOR colours statuses; NO_COLOR wins over a terminal', async () => {
    const t = await team()
    const env = { ORCH_HOME: t.home, FORCE_COLOR: undefined, NO_COLOR: undefined }
    const piped = await runBin(['ls'], env)
    expect(piped.stdout).not.toContain(ESC)
    expect(piped.stdout).toContain(LONG)
    expect(piped.stdout).toMatch(/\d+\.\d (KiB|MiB)/)

    const forced = await runBin(['ls'], { ...env, FORCE_COLOR: '1' })
    expect(forced.stdout).toContain(`${ESC}32monline${ESC}0m`)
    expect(forced.stdout).toContain(`${ESC}31merrored${ESC}0m`)

    if (hasScript) {
      const noColour = spawnSync('script', ['-qc', `node ${BIN} ls`, '/dev/null'], { env: { ...process.env, ...env, NO_COLOR: '1' }, encoding: 'utf8' })
      expect(noColour.stdout).toContain('online')
      expect(noColour.stdout).not.toContain(ESC)
    }
  })

  it.skipIf(!hasScript)("on a terminal: colour, and long names cut so a line fits the terminal's width", async () => {
    const t = await team()
    const env = { ...process.env, ORCH_HOME: t.home, FORCE_COLOR: undefined, NO_COLOR: undefined, TERM: 'xterm' }
    // `script` gives the command a pseudo-terminal, here 90 columns wide
    const r = spawnSync('script', ['-qc', `stty cols 90; node ${BIN} ls`, '/dev/null'], { env, encoding: 'utf8' })
    const lines = r.stdout.split(/\r?\n/).filter((l) => l.trim() !== '')
    expect(lines[0]).toMatch(/^name\s+type\s+status/)
    expect(r.stdout).toContain(`${ESC}32monline${ESC}0m`)
    for (const l of lines) expect(l.replaceAll(/\u001b\[\d+m/g, '').length).toBeLessThanOrEqual(90)
    expect(r.stdout).toContain(`${LONG.slice(0, 10)}`)
    expect(r.stdout).toContain('…')
    expect(r.stdout).not.toContain(LONG)
  })

  it('an error in a pipe is one line, however long, not wrapped at 80 columns', async () => {
    const t = await team()
    const r = await runBin(['stop', 'ghost'], { ORCH_HOME: t.home })
    expect(r.status).toBe(1)
    const lines = r.stderr.trimEnd().split('\n')
    expect(lines).toEqual([`Error: no agent named 'ghost'; known: ${LONG}, dies (E_UNKNOWN_AGENT)`])
    expect(lines[0]!.length).toBeGreaterThan(100)
  })
})
