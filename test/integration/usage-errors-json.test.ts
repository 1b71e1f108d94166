import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { mapLimit, runBin, type BinResult } from '../helpers/bin.js'
import { ROOT, useHomes } from '../helpers/orch.js'

interface ManifestCommand {
  id: string
  args: Record<string, { required?: boolean }>
  flags: Record<string, { type: string; name: string; char?: string }>
}
const manifest = JSON.parse(readFileSync(join(ROOT, 'oclif.manifest.json'), 'utf8')) as { commands: Record<string, ManifestCommand> }
const commands = Object.values(manifest.commands)
const words = (id: string): string[] => id.split(':')

const home = useHomes()
/** orch processes at once */
const PARALLEL = 4

/** One JSON document on stdout, `{error: {code: E_USAGE, message}}`, exit 2, nothing of oclif's internals. */
function expectUsageError(r: BinResult, what: string): { code: string; message: string } {
  expect(r.status, `${what}: exit status; stderr: ${r.stderr}`).toBe(2)
  expect(r.stdout.length, `${what}: a short document, not oclif's internals`).toBeLessThan(1000)
  const doc = JSON.parse(r.stdout) as { error: { code: string; message: string } }
  expect(Object.keys(doc), what).toEqual(['error'])
  expect(Object.keys(doc.error).sort(), what).toEqual(['code', 'message'])
  expect(doc.error.code, what).toBe('E_USAGE')
  expect(doc.error.message, what).not.toMatch(/\n/)
  return doc.error
}

describe('usage errors with --json', () => {
  it('covers every command', () => {
    expect(commands.map((c) => c.id)).toEqual(expect.arrayContaining(['start', 'ls', 'logs', 'stop', 'send', 'queue:ls', 'daemon:status']))
  })

  it('an unknown flag: one JSON document with a code, exit 2, for every command; no daemon started', async () => {
    const t = home()
    const env = { ORCH_HOME: t.home }
    await mapLimit(commands, PARALLEL, async (c) => {
      const doc = expectUsageError(await runBin([...words(c.id), '--no-such-flag', '--json'], env), `orch ${c.id} --no-such-flag`)
      expect(doc.message).toBe(`unknown flag: --no-such-flag; see 'orch ${words(c.id).join(' ')} --help'`)
    })
    expect(existsSync(t.paths.pidFile)).toBe(false)
  }, 120_000)

  it('a missing argument, for every command that requires one', async () => {
    const t = home()
    const required = commands.filter((c) => Object.values(c.args).some((a) => a.required))
    expect(required.map((c) => c.id)).toEqual(expect.arrayContaining(['stop', 'restart', 'delete', 'describe', 'send', 'queue:purge']))
    await mapLimit(required, PARALLEL, async (c) => {
      const doc = expectUsageError(await runBin([...words(c.id), '--json'], { ORCH_HOME: t.home }), `orch ${c.id}`)
      expect(doc.message).toMatch(/^missing arguments?: /)
    })
  }, 120_000)

  it('a bad flag value: integer flags and duration flags', async () => {
    const t = home()
    const env = { ORCH_HOME: t.home }
    const integerFlags = commands.flatMap((c) =>
      Object.values(c.flags)
        .filter((f) => f.type === 'option' && ['lines', 'limit', 'priority'].includes(f.name))
        .map((f) => ({ c, f })),
    )
    expect(integerFlags.length).toBeGreaterThanOrEqual(3)
    await mapLimit(integerFlags, PARALLEL, async ({ c, f }) => {
      const args = [...words(c.id), ...(c.id === 'send' ? ['a', 'b'] : []), `--${f.name}`, 'abc', '--json']
      const doc = expectUsageError(await runBin(args, env), `orch ${args.join(' ')}`)
      expect(doc.message).toContain(`--${f.name}: expected an integer`)
    })
    const delay = expectUsageError(await runBin(['send', 'a', 'b', '--delay', '5x', '--json'], env), 'orch send --delay 5x')
    expect(delay.message).toBe("--delay: '5x' is not a duration; write it like 500ms, 5s, 2m or 1h; see 'orch send --help'")
    const extra = expectUsageError(await runBin(['stop', 'a', 'b', '--json'], env), 'orch stop a b')
    expect(extra.message).toBe("unexpected argument: b; see 'orch stop --help'")
    expect(existsSync(t.paths.pidFile)).toBe(false)
  }, 120_000)

  it('without --json a usage error is one short message on stderr, exit 2, nothing on stdout', async () => {
    const t = home()
    const r = await runBin(['stop'], { ORCH_HOME: t.home })
    expect(r.status).toBe(2)
    expect(r.stdout).toBe('')
    expect(r.stderr).toContain('missing argument: target')
    expect(r.stderr).toContain('E_USAGE')
  })
})
