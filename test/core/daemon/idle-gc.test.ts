import { execFile } from 'node:child_process'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'
import { ROOT, fixture } from '../../helpers/orch.js'

const run = promisify(execFile)

describe('IdleGc', () => {
  // in a plain node process: the test runner's own young generation is sized otherwise
  it('at rest after a burst compacts once, then scavenges once, nothing while busy, and gets its gc without --expose-gc', async () => {
    const { stdout } = await run(process.execPath, [fixture('idle-gc-child.mjs'), join(ROOT, 'dist', 'src', 'core', 'daemon', 'idle-gc.js')])
    const r = JSON.parse(stdout) as { grown: number; checks: Array<string | false>; count: number; scavenges: number; majors: number }
    expect(r.grown).toBeGreaterThanOrEqual(4 << 20) // the burst did grow it: the case under test
    // busy; at rest once: compacts (the old generation grew); twice: scavenges; again at rest, inside the minimum gaps: nothing
    expect(r.checks).toEqual([false, 'compacted', 'scavenged', false])
    expect(r.count).toBe(2)
    // at rest nothing else allocates: the collections seen are ours
    expect(r.scavenges).toBe(1)
    expect(r.majors).toBe(1)
  })
})
