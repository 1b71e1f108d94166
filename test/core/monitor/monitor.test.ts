import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { readFileSync } from 'node:fs'
import { afterEach, describe, expect, it } from 'vitest'
import type { UsageSample } from '../../../src/core/protocol/types.js'
import { Monitor, QUIET_AFTER, QUIET_EVERY, type UsageReceiver } from '../../../src/core/monitor/monitor.js'
import { silentLog } from '../supervisor/helpers/harness.js'
import { waitFor } from '../../helpers/orch.js'

/** CPU clock ticks a process used so far (utime + stime). */
function ticksOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  return Number(f[11]) + Number(f[12])
}

/** A pid no process has: above the kernel's pid_max. */
const NO_SUCH_PID = 2 ** 22 + 1

it('only reports: a sample for each live pid, the ids whose pid could not be read as suspects', async () => {
  const samples: Array<[string, UsageSample]> = []
  const missing: Array<ReadonlySet<string> | undefined> = []
  const receiver: UsageReceiver = {
    processes: () => [
      { id: 'me', pid: process.pid, child: false },
      { id: 'gone', pid: NO_SUCH_PID, child: false },
    ],
    reportUsage: (id, sample) => void samples.push([id, sample]),
    reportMissing: (suspects) => void missing.push(suspects),
  }
  await new Monitor(receiver, 1_000, silentLog).sample()
  expect(samples.map(([id]) => id)).toEqual(['me'])
  expect(samples[0]![1].memory).toBeGreaterThan(0)
  expect(missing).toEqual([new Set(['gone'])])
})

describe('quiet agents', () => {
  const spawned: ChildProcess[] = []
  afterEach(() => {
    for (const c of spawned.splice(0)) c.kill('SIGKILL')
  })

  /** A child that runs no code (idle) or keeps a core busy (busy), alive once it has printed. */
  async function child(kind: 'idle' | 'busy'): Promise<ChildProcess> {
    const code = kind === 'idle' ? "console.log('up'); setInterval(() => {}, 1 << 30)" : "console.log('up'); for (;;) {}"
    const c = spawn(process.execPath, ['-e', code], { stdio: ['ignore', 'pipe', 'ignore'] })
    spawned.push(c)
    await once(c.stdout!, 'data')
    return c
  }

  it('an agent at 0 % for QUIET_AFTER samples is read once in QUIET_EVERY samples, and reported every sample with its figures', async () => {
    const idle = await child('idle')
    const busy = await child('busy')
    const samples: Array<[string, UsageSample]> = []
    const receiver: UsageReceiver = {
      processes: () => [
        { id: 'idle', pid: idle.pid!, child: false },
        { id: 'busy', pid: busy.pid!, child: false },
      ],
      reportUsage: (id, sample) => void samples.push([id, sample]),
      reportMissing: () => {},
    }
    const monitor = new Monitor(receiver, 1_000, silentLog)
    // the first sample is the average since start; then, until quiet, both are read every time
    // (the busy child burns CPU between samples: wait for a clock tick of it before each)
    const sampleAfterBusyTick = async () => {
      const before = ticksOf(busy.pid!)
      await waitFor(() => ticksOf(busy.pid!) > before, 'the busy child to use a clock tick')
      await monitor.sample()
    }
    for (let i = 0; i <= QUIET_AFTER; i++) await sampleAfterBusyTick()
    expect(monitor.reads).toBe(2 * (QUIET_AFTER + 1))
    const idleMemory = samples.filter(([id]) => id === 'idle').at(-1)![1].memory
    samples.length = 0
    const readsBefore = monitor.reads
    for (let i = 0; i < QUIET_EVERY; i++) await sampleAfterBusyTick()
    // busy: read every time; idle: once in QUIET_EVERY
    expect(monitor.reads - readsBefore).toBe(QUIET_EVERY + 1)
    // both are reported every time; the quiet one at 0 % and the memory last read
    expect(samples.filter(([id]) => id === 'busy')).toHaveLength(QUIET_EVERY)
    const idleSamples = samples.filter(([id]) => id === 'idle').map(([, s]) => s)
    expect(idleSamples).toHaveLength(QUIET_EVERY)
    for (const s of idleSamples) expect(s.cpu).toBe(0)
    expect(idleSamples.filter((s) => s.memory === idleMemory).length).toBeGreaterThanOrEqual(QUIET_EVERY - 1)
    expect(samples.filter(([id]) => id === 'busy').every(([, s]) => s.cpu > 0)).toBe(true)
  })

  it('a quiet re-adopted agent (not our child) that dies is a suspect at the next sample, not QUIET_EVERY samples later', async () => {
    const idle = await child('idle')
    const missing: Array<ReadonlySet<string> | undefined> = []
    const receiver: UsageReceiver = {
      processes: () => [{ id: 'idle', pid: idle.pid!, child: false }],
      reportUsage: () => {},
      reportMissing: (suspects) => void missing.push(suspects),
    }
    const monitor = new Monitor(receiver, 1_000, silentLog)
    for (let i = 0; i <= QUIET_AFTER; i++) await monitor.sample()
    const reads = monitor.reads
    await monitor.sample()
    // quiet now: this sample did not read it (unless its slot came round: then the next one does not)
    if (monitor.reads !== reads) await monitor.sample()
    idle.kill('SIGKILL')
    await once(idle, 'exit')
    missing.length = 0
    await monitor.sample()
    expect(missing).toEqual([new Set(['idle'])])
  })

  it('a quiet child is never probed (its exit is heard), and a team of quiet children rests until one wakes or a process is spawned', async () => {
    const idle = await child('idle')
    const busy = await child('busy')
    const team = [{ id: 'idle', pid: idle.pid!, child: true }]
    const receiver: UsageReceiver = { processes: () => team, reportUsage: () => {}, reportMissing: () => {} }
    const monitor = new Monitor(receiver, 1_000, silentLog)
    for (let i = 0; i < QUIET_AFTER; i++) await monitor.sample()
    expect(monitor.isResting).toBe(false)
    await monitor.sample()
    // quiet now: from here on it is read only when the monitor wakes, and never probed
    expect(monitor.isResting).toBe(true)
    const reads = monitor.reads
    await monitor.sample()
    expect(monitor.reads - reads).toBe(1) // resting: every process read at each (rarer) sample
    expect(monitor.probes).toBe(0)
    // a spawn wakes it: the next sample is one interval away, and the new process not quiet
    team.push({ id: 'busy', pid: busy.pid!, child: true })
    monitor.wake()
    expect(monitor.isResting).toBe(false)
    await monitor.sample()
    expect(monitor.isResting).toBe(false)
    // the idle one is quiet and not resting-read any more: between its reads it is reported, not probed;
    // the busy one keeps the monitor awake (a clock tick of it before each sample)
    for (let i = 0; i < QUIET_EVERY; i++) {
      const before = ticksOf(busy.pid!)
      await waitFor(() => ticksOf(busy.pid!) > before, 'the busy child to use a clock tick')
      await monitor.sample()
    }
    expect(monitor.probes).toBe(0)
    expect(monitor.isResting).toBe(false)
  })

  it('a re-adopted agent keeps the monitor awake: its loss is only seen by a probe or a read', async () => {
    const idle = await child('idle')
    const receiver: UsageReceiver = { processes: () => [{ id: 'idle', pid: idle.pid!, child: false }], reportUsage: () => {}, reportMissing: () => {} }
    const monitor = new Monitor(receiver, 1_000, silentLog)
    for (let i = 0; i <= QUIET_AFTER + QUIET_EVERY; i++) await monitor.sample()
    expect(monitor.isResting).toBe(false)
    expect(monitor.probes).toBeGreaterThan(0)
  })

})
