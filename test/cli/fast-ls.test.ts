// `orch ls` while the daemon runs takes a path without oclif (src/cli/fast-ls.ts):
// its output must be the full CLI's, byte for byte, and anything it does not
// serve must reach the full CLI.
import { execFile } from 'node:child_process'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'
import { lsRequest } from '../../src/cli/fast-ls.js'
import type { AgentInfo } from '../../src/core/protocol/types.js'
import { fixture, orchJson, ROOT, useHomes, waitFor, writeConfig, type TestHome } from '../helpers/orch.js'

const run = promisify(execFile)
const home = useHomes()
const BIN = join(ROOT, 'bin', 'run.js')

/** bin/run.js as a user runs it (the fast path first). */
async function viaBin(t: TestHome, args: string[], env: Record<string, string> = {}): Promise<string> {
  return (await run(process.execPath, [BIN, ...args], { env: { ...process.env, ORCH_HOME: t.home, ...env } })).stdout
}

/** The full CLI (oclif) for the same arguments, in a process of its own as bin/run.js would run it. */
async function viaOclif(t: TestHome, args: string[], env: Record<string, string> = {}): Promise<string> {
  const code = `const { main } = await import(${JSON.stringify(pathToFileURL(join(ROOT, 'dist', 'cli', 'entry.js')).href)}); await main(${JSON.stringify(pathToFileURL(BIN).href)}, ${JSON.stringify(args)})`
  return (await run(process.execPath, ['--input-type=module', '-e', code], { env: { ...process.env, ORCH_HOME: t.home, ...env } })).stdout
}

describe('orch ls without oclif', () => {
  it('prints what the full CLI prints: --json, the table in a pipe, and coloured', async () => {
    const t = home()
    await orchJson(['start', writeConfig(t, [
          { name: 'idle', script: fixture('tick.js'), instances: 2, env: { TICK_MS: '60000' } },
          { name: 'Beta', script: fixture('tick.js'), env: { TICK_MS: '60000' } },
        ])])
    // usage figures settle once a sample is in; compare once both report the same rows
    await waitFor(async () => (await orchJson<AgentInfo[]>(['ls'])).filter((a) => a.status === 'online' && a.memory > 0).length === 3, 'all online with a sample')
    for (const [args, env] of [
      [['ls', '--json'], {}],
      [['ls'], {}],
      [['status'], { FORCE_COLOR: '1' }],
    ] as Array<[string[], Record<string, string>]>) {
      // uptime and cpu move between two runs: compare with those masked
      const mask = (s: string) => s.replace(/"(uptime|cpu|memory)": [\d.]+/g, '"$1": 0').replace(/\d+(\.\d+)? ?(s|m|h|d|%|B|KiB|MiB|GiB)\b/g, 'N')
      const fast = await viaBin(t, args, env)
      const full = await viaOclif(t, args, env)
      expect(mask(fast)).toBe(mask(full))
      if (args.includes('--json')) expect(JSON.parse(fast).map((a: AgentInfo) => `${a.name}/${a.instance}`)).toEqual(['Beta/0', 'idle/0', 'idle/1'])
    }
  })

  it('serves only plain ls/list/status [--json]; other flags, ORCH_CONTENT_TYPE and other commands go to the full CLI', () => {
    expect(lsRequest(['ls'], {})).toEqual({ json: false })
    expect(lsRequest(['list', '--json'], {})).toEqual({ json: true })
    expect(lsRequest(['status'], {})).toEqual({ json: false })
    expect(lsRequest(['ls', '--help'], {})).toBeNull()
    expect(lsRequest(['ls', '--json', '--json'], {})).toBeNull()
    expect(lsRequest(['ls', 'x'], {})).toBeNull()
    expect(lsRequest(['logs'], {})).toBeNull()
    expect(lsRequest([], {})).toBeNull()
    expect(lsRequest(['ls'], { ORCH_CONTENT_TYPE: 'json' })).toBeNull()
  })

  it('with no daemon running, `orch ls` is the full CLI: it starts the daemon', async () => {
    const t = home()
    expect(JSON.parse(await viaBin(t, ['ls', '--json']))).toEqual([])
    expect(JSON.parse(await viaBin(t, ['ls', '--json']))).toEqual([])
  })
})
