import { join } from 'node:path'
import { runCommand } from '@oclif/test'
import { describe, expect, it } from 'vitest'
import type { WireMessage } from '../../src/core/protocol/types.js'
import { fixture, orchJson, ROOT, useHomes, waitFor, writeConfig } from '../helpers/orch.js'

/** As the terminal would get it: @oclif/test strips ANSI sequences unless told not to, which would hide the very defect. */
const orch = (args: string[]) => runCommand(args, { root: ROOT }, { stripAnsi: false })

const home = useHomes()

/** Sequences a hostile client could slip into a type or an error: retitle the window, clear the screen, a one-byte CSI, a bidi override. */
const HOSTILE = '\x1b]0;pwned\x07\x1b[2J\x9b31m\u202e'
const RAW = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u202e]/

describe('human output escapes control characters', () => {
  it('queue ls and queue dead show a hostile type and error escaped; --json keeps them whole', async () => {
    const t = home()
    const cfg = writeConfig(t, [
      { name: 'nack', script: fixture('q-nack.js'), env: { RECORD_FILE: join(t.home, 'got.jsonl'), NACK_ERROR: HOSTILE }, startGrace: '100ms' },
    ])
    await orchJson(['start', cfg])
    const type = `job${HOSTILE}`
    await orchJson(['send', 'nack', type])
    const [dead] = await waitFor(async () => {
      const d = JSON.parse((await orch(['queue', 'dead', '--json'])).stdout) as WireMessage[]
      return d.length === 1 && d
    }, 'the message dead-lettered')
    expect(dead!.type).toBe(type)
    expect(dead!.lastError).toBe(`${HOSTILE}q-nack refused attempt 4`)

    for (const args of [['queue', 'dead'], ['queue', 'ls'], ['queue', 'ls', 'nack']]) {
      const out = (await orch(args)).stdout
      expect(out, `orch ${args.join(' ')}`).not.toMatch(RAW)
      expect(out).toContain('job\\x1b]0;pwned\\x07\\x1b[2J\\x9b31m\\u202e')
      expect(out).toContain('\\x1b]0;pwned\\x07\\x1b[2J\\x9b31m\\u202eq-nack refused')
    }
  })

  it('describe escapes what the config gave the agent', async () => {
    const t = home()
    const cfg = writeConfig(t, [{ name: 'w', script: fixture('tick.js'), args: [`--title=${HOSTILE}`], startGrace: '100ms' }])
    await orchJson(['start', cfg])
    const out = (await orch(['describe', 'w'])).stdout
    expect(out).not.toMatch(RAW)
    expect(out).toContain('--title=\\x1b]0;pwned')
  })

  it('a config error quoting a hostile name or field is printed escaped', async () => {
    const t = home()
    const cfg = writeConfig(t, [{ name: `bad${HOSTILE}`, script: fixture('tick.js'), [`x${HOSTILE}`]: 1 }])
    const r = await orch(['start', cfg])
    expect(r.stdout).not.toMatch(RAW)
    expect(r.error?.message).toMatch(/invalid config/)
    expect(r.error!.message).not.toMatch(RAW)
    expect(r.error!.message).toContain("unknown field 'x\\x1b]0;pwned")
  })
})
