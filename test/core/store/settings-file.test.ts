import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { readDashboardSettings } from '../../../src/core/dashboard/dashboard-settings.js'
import { readMetricsSettings } from '../../../src/core/observe/metrics-settings.js'

describe('remembered settings files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'orch-settings-'))
  const file = (name: string, text: string) => {
    const f = join(dir, name)
    writeFileSync(f, text)
    return f
  }
  const read = async <T>(fn: (f: string, onBad: (why: string) => void) => Promise<T>, f: string) => {
    const bad: string[] = []
    return { value: await fn(f, (why) => bad.push(why)), bad }
  }

  it('read what was written; a missing file says nothing; garbage, another version or no address is reported with what happens instead', async () => {
    expect(await read(readDashboardSettings, file('d1', '{"version":1,"host":"127.0.0.1","port":9470}'))).toEqual({ value: { host: '127.0.0.1', port: 9470 }, bad: [] })
    expect(await read(readDashboardSettings, join(dir, 'none'))).toEqual({ value: undefined, bad: [] })
    const garbage = await read(readDashboardSettings, file('d2', '{"vers'))
    expect(garbage.value).toBeUndefined()
    expect(garbage.bad[0]).toMatch(/d2: .*JSON.*; the dashboard uses 127\.0\.0\.1:9465/)
    expect((await read(readDashboardSettings, file('d3', '{"version":2,"host":"h","port":1}'))).bad[0]).toMatch(/version 2, this orch reads 1/)
    expect((await read(readDashboardSettings, file('d4', '{"version":1,"host":"h","port":70000}'))).bad[0]).toMatch(/no host and port/)
    expect(await read(readMetricsSettings, file('m1', '{"version":1,"metrics":null}'))).toEqual({ value: null, bad: [] })
    expect(await read(readMetricsSettings, file('m2', '{"version":1,"metrics":{"host":"::1","port":9464}}'))).toEqual({ value: { host: '::1', port: 9464 }, bad: [] })
    expect((await read(readMetricsSettings, file('m3', '{"version":1,"metrics":{"port":"x"}}'))).bad[0]).toMatch(/no host and port; \/metrics is not served/)
  })
})
