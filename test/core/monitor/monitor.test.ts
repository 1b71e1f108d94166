import { expect, it } from 'vitest'
import type { UsageSample } from '../../../src/core/protocol/types.js'
import { Monitor, type UsageReceiver } from '../../../src/core/monitor/monitor.js'
import { silentLog } from '../supervisor/helpers/harness.js'

/** A pid no process has: above the kernel's pid_max. */
const NO_SUCH_PID = 2 ** 22 + 1

it('only reports: a sample for each live pid, the ids whose pid could not be read as suspects', async () => {
  const samples: Array<[string, UsageSample]> = []
  const missing: Array<ReadonlySet<string> | undefined> = []
  const receiver: UsageReceiver = {
    processes: () => [
      { id: 'me', pid: process.pid },
      { id: 'gone', pid: NO_SUCH_PID },
    ],
    reportUsage: (id, sample) => void samples.push([id, sample]),
    reportMissing: (suspects) => void missing.push(suspects),
  }
  await new Monitor(receiver, 1_000, silentLog).sample()
  expect(samples.map(([id]) => id)).toEqual(['me'])
  expect(samples[0]![1].memory).toBeGreaterThan(0)
  expect(missing).toEqual([new Set(['gone'])])
})
