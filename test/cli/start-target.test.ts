import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { classifyStart, isConfigFileName, nameFromFile, splitCommand } from '../../src/cli/start-target.js'

describe('what orch start X means', () => {
  const dir = mkdtempSync(join(tmpdir(), 'orch-st-'))
  const file = (name: string, mode = 0o644) => {
    const p = join(dir, name)
    writeFileSync(p, '')
    chmodSync(p, mode)
    return p
  }
  const none = { args: [] }

  it('tells configs from scripts by name', () => {
    for (const c of ['ecosystem.config.ts', 'ecosystem.json', 'ecosystem-prod.yaml', 'team.config.mjs', 'orch.json', 'x.yml']) expect(isConfigFileName(c), c).toBe(true)
    for (const s of ['app.js', 'server.cjs', 'agent.py', 'config.ts', 'run.sh']) expect(isConfigFileName(s), s).toBe(false)
  })

  it('runs an existing script with the right program, named after the file', () => {
    expect(classifyStart(file('app.js'), { name: undefined, instances: 4, args: ['--port', '1'] }, dir)).toEqual({
      kind: 'agent',
      definition: { name: 'app', cwd: dir, instances: 4, script: join(dir, 'app.js'), args: ['--port', '1'] },
    })
    expect(classifyStart(file('my agent.py'), none, dir)).toEqual({
      kind: 'agent',
      definition: { name: 'my-agent', cwd: dir, command: 'python3', args: [join(dir, 'my agent.py')] },
    })
    expect(classifyStart(file('tool', 0o755), { name: 'T', args: [] }, dir)).toEqual({ kind: 'agent', definition: { name: 'T', cwd: dir, command: join(dir, 'tool'), args: [] } })
  })

  it('takes a config, a search, a command line and a name', () => {
    expect(classifyStart(file('ecosystem.config.ts'), none, dir)).toEqual({ kind: 'config', path: join(dir, 'ecosystem.config.ts') })
    expect(classifyStart(undefined, none, dir)).toEqual({ kind: 'search' })
    expect(classifyStart('python3 -u agent.py "a b"', none, dir)).toEqual({
      kind: 'agent',
      definition: { name: 'agent', cwd: dir, command: 'python3', args: ['-u', 'agent.py', 'a b'] },
    })
    expect(classifyStart('worker', none, dir)).toEqual({ kind: 'name', target: 'worker' })
    expect(classifyStart('worker:2', none, dir)).toEqual({ kind: 'name', target: 'worker:2' })
    // a config that does not exist: the daemon says so, with the search rules
    expect(classifyStart('ecosystem.config.js', none, dir)).toEqual({ kind: 'config', path: join(dir, 'ecosystem.config.js') })
  })

  it('refuses what it cannot run', () => {
    expect(() => classifyStart('gone.js', none, dir)).toThrow('there is no file')
    expect(() => classifyStart(file('notes.txt'), none, dir)).toThrow('chmod +x')
    expect(() => classifyStart(dir, none, dir)).toThrow('is a folder')
    expect(() => classifyStart(file('b.js'), { name: 'no spaces', args: [] }, dir)).toThrow('is not an agent name')
  })

  it('splits command lines and names files', () => {
    expect(splitCommand(`a 'b c' "d e" f`)).toEqual(['a', 'b c', 'd e', 'f'])
    expect(nameFromFile('/x/y/--weird..name.ts')).toBe('weird-name')
  })
})
