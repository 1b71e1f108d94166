import { spawn, type ChildProcess } from 'node:child_process'
import { readdirSync } from 'node:fs'
import { afterEach, describe, expect, it } from 'vitest'
import { fixture, isAlive, useHomes, waitFor } from '../helpers/orch.js'

const home = useHomes()
let running: ChildProcess[] = []
afterEach(() => {
  for (const c of running) {
    try {
      if (c.exitCode === null && c.pid) process.kill(c.pid, 'SIGKILL')
    } catch {}
  }
  running = []
})

/** Starts `n` contenders at once; resolves with each one's answer and process. */
async function race(dir: string, n: number): Promise<Array<{ child: ChildProcess; said: string }>> {
  const contenders = Array.from({ length: n }, () => {
    const child = spawn(process.execPath, [fixture('lock-contender.js'), dir], { stdio: ['ignore', 'pipe', 'inherit'] })
    running.push(child)
    let said = ''
    child.stdout!.on('data', (d) => (said += d))
    return { child, said: () => said.trim() }
  })
  await waitFor(() => contenders.every((c) => c.said() !== ''), 'every contender to answer', 30_000)
  return contenders.map((c) => ({ child: c.child, said: c.said() }))
}

describe('the single-daemon lock', () => {
  it('has exactly one winner among racing starts, and a killed or stopped holder never blocks the next', async () => {
    const t = home()
    for (let round = 0; round < 4; round++) {
      const results = await race(t.home, 6)
      const winners = results.filter((r) => r.said === 'won')
      expect(winners, `round ${round}: ${results.map((r) => r.said).join(',')}`).toHaveLength(1)
      const pid = winners[0]!.child.pid!
      // every other round the holder dies by kill -9, which runs no clean-up at all
      process.kill(pid, round % 2 === 0 ? 'SIGKILL' : 'SIGTERM')
      await waitFor(() => !isAlive(pid), 'the holder gone')
    }
    // the winner of each round removes the older generations: nothing piles up
    expect(readdirSync(t.home).filter((f) => f.startsWith('lock.')).length).toBeLessThanOrEqual(2)
  }, 120_000)
})
