import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { FileFormatError } from '../../../src/core/errors/file-format-error.js'
import { repairStateFile } from '../../../src/core/store/repair-state-file.js'
import { NedbStateStore } from '../../../src/core/store/nedb-state-store.js'

const dirs: string[] = []
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})
function dataDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'orch-store-'))
  dirs.push(d)
  return d
}

const agent = {
  name: 'a', type: 'node', cwd: '/tmp', env: {}, args: [], instances: 1, autorestart: true, maxRestarts: 10, restartWindowMs: 60_000,
  backoff: { initialMs: 100, maxMs: 1000, factor: 2 }, startGraceMs: 1000, readyTimeoutMs: null, killTimeoutMs: 5000, killSignal: 'SIGTERM',
  maxMemoryBytes: null, watch: [], dependsOn: [], logMaxBytes: 1024, logRetain: 3, concurrency: 1, leaseTimeoutMs: 30_000, raw: { name: 'a' }, configDir: '/tmp',
}
const record = (id: string, extra: Record<string, unknown> = {}) =>
  JSON.stringify({
    _id: id, id, name: 'a', index: 0, agent, spec: { command: 'node', args: ['x.js'] }, configPath: null, desired: 'running', status: 'stopped',
    pid: null, procStart: null, startedAt: null, restarts: 0, history: { restarts: [], consecutive: 0 }, events: [], ...extra,
  })

describe('repairStateFile', () => {
  it('moves aside a record whose format version is garbled (damage), but refuses a newer one (a newer orch)', () => {
    const dir = dataDir()
    const file = join(dir, 'agents.db')
    writeFileSync(file, `${record('ok')}\n${record('garbled', { format: '1' })}\n${record('zero', { format: 0 })}\n`)
    const repair = repairStateFile(file)
    expect(repair).toMatchObject({ dropped: 2, reasons: [expect.stringMatching(/format version must be a whole number from 1, got "1"/), expect.stringMatching(/got 0/)] })
    writeFileSync(file, `${record('ok')}\n${record('newer', { format: 7 })}\n`)
    expect(() => repairStateFile(file)).toThrow(FileFormatError)
  })

  it('keeps good records and NeDB markers, drops one wrong-shaped record (too few for NeDB to notice) into a 0600 file', async () => {
    const dir = dataDir()
    const file = join(dir, 'agents.db')
    const good = Array.from({ length: 12 }, (_, i) => record(`a${i}`))
    const noAgent = JSON.stringify({ _id: 'ghost', name: 'ghost', index: 0 })
    const marker = '{"$$deleted":true,"_id":"a11"}'
    writeFileSync(file, `${[...good, noAgent, marker].join('\n')}\n`)
    const repair = repairStateFile(file)
    expect(repair).toMatchObject({ dropped: 1, reasons: [expect.stringMatching(/'agent' must be required/)] })
    expect(readFileSync(repair!.movedTo, 'utf8')).toBe(`${noAgent}\n`)
    expect(statSync(repair!.movedTo).mode & 0o777).toBe(0o600)
    expect(readFileSync(file, 'utf8')).toBe(`${[...good, marker].join('\n')}\n`)
    const store = await NedbStateStore.open(dir)
    expect((await store.all()).map((r) => r.id).sort()).toEqual(good.slice(0, 11).map((_, i) => `a${i}`).sort())
    await store.close()
    expect(statSync(file).mode & 0o777).toBe(0o600)
  })

  it('does nothing to a clean file, and throws FileFormatError for a newer format', () => {
    const dir = dataDir()
    const file = join(dir, 'agents.db')
    writeFileSync(file, `${record('a')}\n`)
    expect(repairStateFile(file)).toBeNull()
    writeFileSync(file, `${record('a', { format: 2 })}\n`)
    expect(() => repairStateFile(file)).toThrow(FileFormatError)
    expect(readdirSync(dir)).toEqual(['agents.db'])
  })
})
