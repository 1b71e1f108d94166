import { spawn } from 'node:child_process'
import { once } from 'node:events'
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

function sleeperProcess() {
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { detached: true, stdio: 'ignore' })
  child.unref()
  started.push(child.pid!)
  return child
}

function sleeper(): number {
  return sleeperProcess().pid!
}

describe('signalGroup', () => {
  it('does not take a signal kill(2) does not know for "process gone": it stops the group with SIGTERM', async () => {
    const pid = sleeper()
    expect(procStartTime(pid)).not.toBeNull()
    expect(signalGroup(pid, 'SIGTREM' as NodeJS.Signals)).toBe('sent')
    expect(await groupWaiter.wait(pid, 5_000)).toEqual([])
  })

  it("says 'gone' for a group with no process", async () => {
    const child = sleeperProcess()
    const pid = child.pid!
    const reaped = once(child, 'exit')
    process.kill(-pid, 'SIGKILL')
    await groupWaiter.wait(pid, 5_000)
    // until this process reaps it, the dead child is a zombie that kill(2) still reaches (a busy machine shows it)
    await reaped
    expect(signalGroup(pid, 'SIGTERM')).toBe('gone')
  })
})
