import { describe, expect, it } from 'vitest'
import { runBin } from '../helpers/bin.js'
import { ROOT, useHomes } from '../helpers/orch.js'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'

const home = useHomes()
const version = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version

describe('unknown commands and the version, through the real executable', () => {
  it("orch stpo: did you mean 'stop'?, and where the list is; exit 2", async () => {
    const t = home()
    const r = await runBin(['stpo'], { ORCH_HOME: t.home })
    expect(r.status).toBe(2)
    expect(r.stdout).toBe('')
    expect(r.stderr).toBe("Error: unknown command 'stpo'; did you mean 'stop'? (see 'orch --help' for the list of commands)\n")
  })

  // (the example was `orch reload worker`, from before reload existed)
  it("orch rollout worker does not show oclif's internal id", async () => {
    const t = home()
    const r = await runBin(['rollout', 'worker'], { ORCH_HOME: t.home })
    expect(r.status).toBe(2)
    expect(r.stderr).toContain("unknown command 'rollout'")
    expect(r.stderr).not.toContain('rollout:worker')
    expect(r.stderr).not.toContain('not found')
  })

  it('with --json: one document with a code', async () => {
    const t = home()
    const r = await runBin(['queue', 'lss', '--json'], { ORCH_HOME: t.home })
    expect(r.status).toBe(2)
    expect(JSON.parse(r.stdout)).toEqual({
      error: { code: 'E_UNKNOWN_COMMAND', message: "unknown command 'queue lss'; did you mean 'queue ls'? (see 'orch --help' for the list of commands)" },
    })
  })

  it('orch -v and orch --version print the version; with --json {version}', async () => {
    for (const flag of ['-v', '--version']) {
      const r = await runBin([flag])
      expect(r.status).toBe(0)
      expect(r.stdout).toContain(`orch/${version}`)
      const json = await runBin([flag, '--json'])
      expect(json.status).toBe(0)
      expect(JSON.parse(json.stdout)).toEqual({ version })
    }
  })
})
