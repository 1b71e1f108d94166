import { spawn } from 'node:child_process'
import { mkdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { LogLine } from '../../src/cli/log-files.js'
import { BIN } from '../helpers/bin.js'
import { fixture, orch, orchJson, useHomes, waitFor, writeConfig } from '../helpers/orch.js'

const home = useHomes()
const lines = (out: string): string[] => out.trimEnd().split('\n')
const count = (file: string): number => {
  try {
    return readFileSync(file, 'utf8').split('\n').length - 1
  } catch {
    return 0
  }
}

describe('orch logs shows stdout and stderr', () => {
  it('both by default, a stderr line marked; --out and --err filter; several agents are prefixed', async () => {
    const t = home()
    await orchJson(['start', writeConfig(t, [
      { name: 'both', script: fixture('both-streams.js'), env: { TICK_MS: '30' } },
      { name: 'other', script: fixture('tick.js'), env: { TICK_MS: '100' } },
    ])])
    await waitFor(() => count(join(t.paths.logsDir, 'both.err.log')) >= 3 && count(join(t.paths.logsDir, 'other.out.log')) >= 2, 'output on both streams')
    await orchJson(['stop', 'both'])

    const human = lines((await orch(['logs', 'both', '--lines', '2'])).stdout)
    expect(human).toHaveLength(4)
    expect(human.filter((l) => /^both out \d+$/.test(l))).toHaveLength(2)
    expect(human.filter((l) => /^err \| both err \d+$/.test(l))).toHaveLength(2)

    const json = await orchJson<LogLine[]>(['logs', 'both', '--lines', '2'])
    expect(json.map((l) => l.stream).sort()).toEqual(['err', 'err', 'out', 'out'])
    for (const l of json) expect(l.line).toBe(`both ${l.stream} ${l.line.split(' ')[2]}`)

    const out = lines((await orch(['logs', 'both', '--out', '--lines', '3'])).stdout)
    expect(out).toHaveLength(3)
    expect(out.every((l) => /^both out \d+$/.test(l))).toBe(true)
    const err = lines((await orch(['logs', 'both', '--err', '--lines', '3'])).stdout)
    expect(err).toHaveLength(3)
    expect(err.every((l) => /^both err \d+$/.test(l))).toBe(true)
    expect(lines((await orch(['logs', 'both', '--out', '--err', '--lines', '1'])).stdout)).toHaveLength(2)

    const all = lines((await orch(['logs', '--lines', '1'])).stdout)
    expect(all.some((l) => /^both \| both out \d+$/.test(l))).toBe(true)
    expect(all.some((l) => /^both err \| both err \d+$/.test(l))).toBe(true)
    expect(all.some((l) => /^other \| other (tick|started)/.test(l))).toBe(true)
  })

  it("a crash's stack trace shows by default, at the bottom", async () => {
    const t = home()
    const script = "console.log('up'); setTimeout(() => { throw new Error('boom') }, 50)"
    await orchJson(['start', writeConfig(t, [{ name: 'crasher', command: process.execPath, args: ['-e', script], autorestart: false }])])
    await waitFor(async () => (await orchJson<Array<{ status: string }>>(['ls']))[0]?.status === 'errored', 'crasher errored')
    const shown = lines((await orch(['logs', 'crasher'])).stdout)
    expect(shown[0]).toBe('up')
    expect(shown).toContain('err | Error: boom')
    expect(shown.at(-1)).toMatch(/^err \| /)
  })

  it('the file written to last goes last (no daemon needed)', async () => {
    const t = home()
    mkdirSync(t.paths.logsDir, { recursive: true })
    const outFile = join(t.paths.logsDir, 'a.out.log')
    const errFile = join(t.paths.logsDir, 'a.err.log')
    writeFileSync(outFile, 'o1\no2\n')
    writeFileSync(errFile, 'e1\n')
    utimesSync(outFile, 1000, 1000)
    utimesSync(errFile, 2000, 2000)
    expect(lines((await orch(['logs', 'a'])).stdout)).toEqual(['o1', 'o2', 'err | e1'])
    utimesSync(outFile, 3000, 3000)
    expect(lines((await orch(['logs', 'a'])).stdout)).toEqual(['err | e1', 'o1', 'o2'])
  })

  it('-f follows both streams', async () => {
    const t = home()
    await orchJson(['start', writeConfig(t, [{ name: 'both', script: fixture('both-streams.js'), env: { TICK_MS: '50' } }])])
    const child = spawn(process.execPath, [BIN, 'logs', 'both', '-f', '--lines', '0'], { env: { ...process.env, ORCH_HOME: t.home } })
    try {
      let out = ''
      child.stdout.on('data', (d: Buffer) => (out += d.toString()))
      await waitFor(() => /^both out \d+$/m.test(out) && /^err \| both err \d+$/m.test(out), 'followed lines of both streams')
    } finally {
      child.kill('SIGKILL')
    }
  })
})
