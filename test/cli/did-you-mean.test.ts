import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { closest, editDistance, unknownCommand } from '../../src/cli/did-you-mean.js'
import { ROOT } from '../helpers/orch.js'

// the real command list, as the CLI reads it: commands added later are suggested with no change to the code
const manifest = JSON.parse(readFileSync(join(ROOT, 'oclif.manifest.json'), 'utf8')) as { commands: Record<string, { id: string; aliases: string[] }> }
const ids = Object.values(manifest.commands).flatMap((c) => [c.id, ...c.aliases])

describe('did you mean', () => {
  it('counts a swap of neighbours as one edit', () => {
    expect(editDistance('stpo', 'stop')).toBe(1)
    expect(editDistance('stop', 'stop')).toBe(0)
    expect(editDistance('strat', 'start')).toBe(1)
    expect(editDistance('', 'ls')).toBe(2)
  })

  it('suggests only what is close, or the one name a prefix fits', () => {
    expect(closest('stpo', ['start', 'stop', 'status'])).toBe('stop')
    expect(closest('frobnicate', ['start', 'stop'])).toBeUndefined()
    expect(closest('x', ['ls'])).toBeUndefined()
    expect(closest('descr', ['delete', 'describe'])).toBe('describe')
  })

  it('the examples of issue 10', () => {
    expect(unknownCommand(['stpo'], ids)).toEqual({ typed: 'stpo', suggestion: 'stop' })
    expect(unknownCommand(['reload', 'worker'], ids).typed).toBe('reload')
    expect(unknownCommand(['queue', 'lss'], ids)).toEqual({ typed: 'queue lss', suggestion: 'queue ls' })
    expect(unknownCommand(['queu', 'ls'], ids)).toEqual({ typed: 'queu', suggestion: 'queue ls' })
    expect(unknownCommand(['deamon', 'status'], ids)).toEqual({ typed: 'deamon', suggestion: 'daemon status' })
    expect(unknownCommand(['daemon', 'statsu'], ids)).toEqual({ typed: 'daemon statsu', suggestion: 'daemon status' })
    expect(unknownCommand(['lsit'], ids)).toEqual({ typed: 'lsit', suggestion: 'list' })
  })

  it('a command added later is suggested from the list alone', () => {
    expect(unknownCommand(['inpsect'], [...ids, 'inspect'])).toEqual({ typed: 'inpsect', suggestion: 'inspect' })
    expect(unknownCommand(['inpsect'], ids).suggestion).not.toBe('inspect')
    // monit came later, indeed
    expect(unknownCommand(['moint'], ids)).toEqual({ typed: 'moint', suggestion: 'monit' })
    // reload and scale came later, indeed
    expect(unknownCommand(['relaod'], ids)).toEqual({ typed: 'relaod', suggestion: 'reload' })
    expect(unknownCommand(['sclae'], ids)).toEqual({ typed: 'sclae', suggestion: 'scale' })
  })

  it('every command of four letters or more is found from a swap of its last two letters', () => {
    for (const id of ids) {
      const words = id.split(':')
      const last = words.at(-1)!
      if (last.length < 4) continue
      const typo = [...words.slice(0, -1), `${last.slice(0, -2)}${last.at(-1)}${last.at(-2)}`]
      expect(unknownCommand(typo, ids).suggestion, typo.join(' ')).toBe(words.join(' '))
    }
  })
})
