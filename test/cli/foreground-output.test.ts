import { afterEach, describe, expect, it, vi } from 'vitest'
import { printAgentLine, printDaemonLine } from '../../src/cli/foreground-output.js'

function capture(): { out: string[]; err: string[] } {
  const seen = { out: [] as string[], err: [] as string[] }
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => seen.out.push(String(chunk)) > 0)
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => seen.err.push(String(chunk)) > 0)
  return seen
}
afterEach(() => vi.restoreAllMocks())

const text = { json: false, raw: false }

describe('what orch daemon run prints', () => {
  it("an agent's stdout line on stdout and its stderr line on stderr, prefixed with the instance and escaped", () => {
    const seen = capture()
    printAgentLine({ agent: 'worker:0', stream: 'out', line: 'hello \x1b[31mred', time: 1 }, text)
    printAgentLine({ agent: 'worker:1', stream: 'err', line: 'boom', time: 1 }, text)
    printAgentLine({ agent: 'worker:0', stream: 'out', line: '\x1b[31mred', time: 1 }, { json: false, raw: true })
    vi.restoreAllMocks()
    expect(seen.out).toEqual(['worker:0 | hello \\x1b[31mred\n', 'worker:0 | \x1b[31mred\n'])
    expect(seen.err).toEqual(['worker:1 | boom\n'])
  })

  it('with --json, every agent line as orch logs -f --json prints it, on stdout', () => {
    const seen = capture()
    printAgentLine({ agent: 'w', stream: 'err', line: 'x', time: 1000 }, { json: true, raw: false })
    vi.restoreAllMocks()
    expect(seen.out).toEqual(['{"agent":"w","stream":"err","time":1000,"line":"x"}\n'])
  })

  it("the daemon's lines on stderr: no time or pid, the level unless info, then the fields", () => {
    const seen = capture()
    printDaemonLine(JSON.stringify({ time: 't', level: 'info', msg: 'daemon ready', pid: 1, socket: '/h/orch.sock' }), text)
    printDaemonLine(JSON.stringify({ time: 't', level: 'warn', msg: 'SIGINT while stopping: exiting at once', pid: 1 }), text)
    printDaemonLine('not json \x07', text)
    printDaemonLine('{"level":"info"}', { json: true, raw: false })
    vi.restoreAllMocks()
    expect(seen.err).toEqual([
      'orch | daemon ready {"socket":"/h/orch.sock"}\n',
      'orch | warn: SIGINT while stopping: exiting at once\n',
      'orch | not json \\x07\n',
      '{"level":"info"}\n',
    ])
    expect(seen.out).toEqual([])
  })
})
