import { execFile } from 'node:child_process'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'
import { ROOT, fixture } from '../../helpers/orch.js'

const run = promisify(execFile)

describe('IdleGc', () => {
  // in a plain node process: the test runner's own young generation is sized otherwise
  it('makes one scavenge once at rest after a burst, none while busy, and gets its gc without --expose-gc', async () => {
    const { stdout } = await run(process.execPath, [fixture('idle-gc-child.mjs'), join(ROOT, 'dist', 'src', 'core', 'daemon', 'idle-gc.js')])
    const r = JSON.parse(stdout) as { grown: number; checks: boolean[]; count: number; scavenges: number }
    expect(r.grown).toBeGreaterThanOrEqual(4 << 20) // the burst did grow it: the case under test
    // busy; at rest once (not yet); at rest twice: collects; again at rest, inside the minimum gap: not again
    expect(r.checks).toEqual([false, false, true, false])
    expect(r.count).toBe(1)
    // at rest nothing else allocates: the one scavenge seen is ours
    expect(r.scavenges).toBe(1)
  })
})
