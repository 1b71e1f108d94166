import { spawn } from 'node:child_process'
import { afterEach, describe, expect, it } from 'vitest'
import { groupWaiter, signalGroup } from '../../../src/core/supervisor/group-waiter.js'
import { procStartTime } from '../../../src/core/supervisor/proc.js'

const started: number[] = []
afterEach(() => {
  for (const pid of started.splice(0)) {
    try {
      process.kill(-pid, 'SIGKILL')
    } catch {}
  }
})

function sleeper(): number {
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { detached: true, stdio: 'ignore' })
  child.unref()
  started.push(child.pid!)
  return child.pid!
}

describe('signalGroup', () => {
  it('does not take a signal kill(2) does not know for "process gone": it stops the group with SIGTERM', async () => {
    const pid = sleeper()
    expect(procStartTime(pid)).not.toBeNull()
    expect(signalGroup(pid, 'SIGTREM' as NodeJS.Signals)).toBe('sent')
    expect(await groupWaiter.wait(pid, 5_000)).toEqual([])
  })

  it("says 'gone' for a group with no process", async () => {
    const pid = sleeper()
    process.kill(-pid, 'SIGKILL')
    await groupWaiter.wait(pid, 5_000)
    expect(signalGroup(pid, 'SIGTERM')).toBe('gone')
  })
})
