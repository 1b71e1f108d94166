import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { readHistorySettings, writeHistorySettings } from '../../../src/core/daemon/history-settings.js'
import { DEFAULT_HISTORY_BOUND } from '../../../src/core/history/history-bound.js'
import { RecoveryLog } from '../../../src/core/store/recovery-log.js'

const dirs: string[] = []
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

function dir(): string {
  const d = mkdtempSync(join(tmpdir(), 'orch-hs-'))
  dirs.push(d)
  return d
}

describe('data/history-settings.json', () => {
  it('missing: the defaults; written: read back', async () => {
    const file = join(dir(), 'history-settings.json')
    expect(await readHistorySettings(file, new RecoveryLog())).toEqual(DEFAULT_HISTORY_BOUND)
    await writeHistorySettings(file, { enabled: false, maxEvents: 40, maxAgeMs: 60_000 })
    expect(await readHistorySettings(file, new RecoveryLog())).toEqual({ enabled: false, maxEvents: 40, maxAgeMs: 60_000 })
  })

  it('damaged: moved aside and noted, the defaults; of a newer version: a clear refusal', async () => {
    const d = dir()
    const file = join(d, 'history-settings.json')
    writeFileSync(file, '{"version":1,"enabled":"yes"')
    const recovery = new RecoveryLog()
    expect(await readHistorySettings(file, recovery)).toEqual(DEFAULT_HISTORY_BOUND)
    expect(existsSync(file)).toBe(false)
    expect(readdirSync(d).some((f) => f.startsWith('history-settings.json.corrupt-'))).toBe(true)
    expect(recovery.list()[0]).toMatchObject({ file, reason: expect.stringMatching(/not a history settings file of version 1/) })
    writeFileSync(file, '{"version":2,"enabled":true,"maxEvents":5,"maxAgeMs":5}')
    await expect(readHistorySettings(file, new RecoveryLog())).rejects.toThrow(/is of version 2, and this orch reads version 1/)
  })
})
