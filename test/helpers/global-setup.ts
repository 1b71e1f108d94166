// A safety net under every test's own clean-up: whatever this run left behind
// in the homes it made (a daemon a late command started after a test's
// clean-up, its watchdog, an agent) is killed by pid at the end, and the homes
// are removed. Only homes this run made: another run on the machine (CI in a
// clone) is left alone.
import { appendFileSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export const HOMES_FILE_ENV = 'ORCH_TEST_HOMES_FILE'

/** Called by makeHome (in a test worker): this run owns `home`. */
export function recordHome(home: string): void {
  const file = process.env[HOMES_FILE_ENV]
  // the test file that made it, to name it if it leaves something behind
  const by = /[\w./-]+\.test\.ts/.exec(new Error().stack ?? '')?.[0] ?? '?'
  if (file) appendFileSync(file, `${home}\t${by}\n`)
}

/** The processes (other than this one) whose ORCH_HOME is one of `homes`. */
export function pidsInHomes(homes: ReadonlySet<string>): string[] {
  return readdirSync('/proc').filter((p) => /^\d+$/.test(p) && Number(p) !== process.pid && homes.has(homeOf(p) ?? ''))
}

function homeOf(pid: string): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/environ`, 'utf8')
      .split('\0')
      .find((v) => v.startsWith('ORCH_HOME='))
      ?.slice('ORCH_HOME='.length)
  } catch {
    return undefined
  }
}

export default function setup(): () => void {
  const file = join(tmpdir(), `orch-test-homes-${process.pid}`)
  writeFileSync(file, '')
  process.env[HOMES_FILE_ENV] = file
  return () => {
    const made = new Map(
      readFileSync(file, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => l.split('\t') as [string, string]),
    )
    const homes = new Set(made.keys())
    const left = pidsInHomes(homes)
    if (left.length > 0) {
      const what = left.map((pid) => {
        let cmd = '?'
        try {
          cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').slice(0, 2).join(' ').slice(0, 80)
        } catch {}
        const home = homeOf(pid) ?? '?'
        return `${pid} (${cmd}) in ${home}, made by ${made.get(home) ?? '?'}`
      })
      console.warn(`test run: killed ${left.length} process(es) left in its homes:\n  ${what.join('\n  ')}`)
    }
    for (const pid of left) {
      try {
        process.kill(Number(pid), 'SIGKILL')
      } catch {}
    }
    for (const home of homes) rmSync(home, { recursive: true, force: true, maxRetries: 10, retryDelay: 50 })
    rmSync(file, { force: true })
  }
}
